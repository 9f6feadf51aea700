// Test-data builders for @accord/protocol users (not part of the built package).
export * from './deterministic-random';
export * from './test-chain.builder';
export * from './json.arbitrary';
export * from './reference-merkle';
