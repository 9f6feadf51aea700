// The system proof (docs/system-proof.md): three departments end to end, each service in its own process, under faults, tampering and load.
export * from './checks';
export * from './harness';
export * from './system-department';
export * from './workload';
