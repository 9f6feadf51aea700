// Test-data builders for @accord/rules users (not part of the built package).
export * from './odrl-policy.builder';
export * from './rules.harness';
