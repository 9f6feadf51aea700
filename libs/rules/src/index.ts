// Public API of the sharing rules' pure core (docs/rules.md): tx schemas,
// the ODRL subset, parameters, state, receipts, the engine and its dry run.
export * from './errors/rules.errors';
export * from './common/amount.math';
export * from './common/rules-ids.schema';
export * from './params/rule-params.schema';
export * from './policy/iso-duration.parser';
export * from './policy/usage-terms.schema';
export * from './policy/odrl-policy.parser';
export * from './tx/dataset-metadata.schema';
export * from './tx/rules-tx.schema';
export * from './state/rules-state.schema';
export * from './state/rules-state.queries';
export * from './state/state-digest';
export * from './receipts/rules-receipt.events';
export { accessRequestInputSchema, isLiveGrant, isLiveRequest, privacyGuard } from './engine/access.evaluator';
export type { AccessRequestInput, Evaluation, EvaluationOutcome, PrivacyGuardResult } from './engine/access.evaluator';
export { datasetPoints, credit } from './engine/points.calculator';
export type { PointsBasis } from './engine/points.calculator';
export * from './engine/rules-command.parser';
export { decide, expire, reconcileMembership } from './engine/rules.decider';
export type { DecisionEnv } from './engine/rules.decider';
export { evolve } from './engine/rules.evolver';
export * from './engine/rules.engine';
export * from './applier/block-applier.events';
export { applyBlockRecords, decideBlockRecord } from './applier/block-applier.decider';
export { evolveAppliedChannels, initialAppliedChannel } from './applier/block-applier.evolver';
export * from './engine/rules.dry-run';
