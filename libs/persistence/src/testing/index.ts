// Test helpers for @accord/persistence users: `@accord/persistence/testing` (not part of the built package).
export * from './persistence.contract';
export * from './postgres-test.config';
