// The process network: each service of each department in its own process, as deployed.
export * from './cluster-infra';
export * from './process-network';
export * from './service-env';
export * from './service-process';
