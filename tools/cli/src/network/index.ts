export * from './network-file';
export * from './network.errors';
export * from './network.options';
export * from './network.ports';
export * from './network.launcher';
export * from './network-control.server';
export type { NetworkDepartment } from './network-department';
export { FOUNDING_POLICY } from './founding-channel';
