// The mixed workload of the fault runs (docs/system-proof.md) and the invariants a fault must keep.
export * from './department-api';
export * from './mixed-workload';
export * from './operation-weights';
export * from './prng';
export * from './workload-invariants';
export * from './workload-journal';
export * from './workload-operations';
