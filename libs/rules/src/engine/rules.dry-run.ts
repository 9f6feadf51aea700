import type { ChannelConfig } from '@accord/ledger-core';
import { Receipt, RejectedReceipt } from '../receipts/rules-receipt.events';
import { RulesState } from '../state/rules-state.schema';
import { RulesTxType } from '../tx/rules-tx.schema';
import { isRulesCommand, rulesCommandOf } from './rules-command.parser';
import { decide, DecisionEnv, expire } from './rules.decider';
import { activeMembers, parametersFor } from './rules.engine';
import { applyReceipt, draftOf } from './rules.evolver';

/** A rules tx not signed yet: what a department is about to submit. */
export interface DryRunTx {
  readonly type: RulesTxType;
  /** The signing member. */
  readonly from: string;
  readonly payload: unknown;
  /** The txId the receipts name (a placeholder is fine before signing: no decision depends on it). */
  readonly txId: string;
}

/**
 * Dry run of one rules tx (docs/rules.md "Dry run"): the receipts the
 * decider would give it as the first tx of the next block, at block time
 * `time` (never before the state's), on this state after that block's
 * expiries, as apply() runs them. `config` is the latest channel
 * configuration (for membership and, before the genesis is applied, the
 * parameters). Pure; nothing changes. The block decides for real: txs
 * ordered before it or a later block time may change the outcome.
 */
export function dryRun(state: RulesState, config: ChannelConfig | null, tx: DryRunTx, time: number): Receipt[] {
  const height = state.height + 1;
  const at = Math.max(time, state.time);
  const command = rulesCommandOf(tx.type, tx.payload, { txId: tx.txId, from: tx.from, height, index: 0, time: at });
  if (!isRulesCommand(command)) return [command];
  const expiries = expire(state, height, at);
  let current = state;
  if (expiries.length > 0) {
    current = draftOf(state);
    for (const receipt of expiries) applyReceipt(current, receipt);
  }
  const env: DecisionEnv = {
    params: parametersFor(state, config),
    members: config === null ? new Set<string>() : activeMembers(config),
  };
  return decide(command, current, env);
}

/** The `rejected` receipt among a dry run's receipts: the tx could not apply at all. */
export function rejectionOf(receipts: readonly Receipt[]): RejectedReceipt | undefined {
  return receipts.find((r): r is RejectedReceipt => r.kind === 'rejected');
}
