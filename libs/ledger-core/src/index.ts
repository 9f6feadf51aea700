// Public API of the ledger's pure core (docs/ledger.md): governance,
// deterministic block cutting, finality and fork detection.
export * from './errors/ledger-core.errors';
export * from './governance/governance-tx.schema';
export * from './governance/channel-config.schema';
export * from './governance/governance.events';
export * from './governance/governance.queries';
export * from './governance/key-history.resolver';
export * from './block/log-record.parser';
export * from './block/nonce-registry.port';
export * from './block/signature.port';
export * from './block/builder-snapshot.schema';
export * from './block/block-builder';
export * from './finality/fork-alert.events';
export * from './finality/finality.evaluator';
