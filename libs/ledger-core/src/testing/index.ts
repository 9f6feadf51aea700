// Test builders for other packages' specs: `@accord/ledger-core/testing`.
export * from './ledger-log.builder';
export * from './ledger.harness';
