import { TxEnvelope } from '@accord/protocol';
import { describeIssues, zodIssues } from '../common/rules-ids.schema';
import { RejectedReceipt } from '../receipts/rules-receipt.events';
import { isRulesTxType, RULES_TX_SCHEMAS, RulesTxPayloads, RulesTxType } from '../tx/rules-tx.schema';

/** Where a tx sits and who signed it: everything a decision may know besides state and parameters. */
export interface TxContext {
  readonly txId: string;
  readonly from: string;
  readonly height: number;
  readonly index: number;
  /** Block time: the only clock the rules have. */
  readonly time: number;
}

/** A rules tx with a checked payload, tagged by type. */
export type RulesCommand = {
  readonly [T in RulesTxType]: { readonly type: T; readonly payload: RulesTxPayloads[T]; readonly tx: TxContext };
}[RulesTxType];

/**
 * The command a valid tx carries: null for types the rules do not consume,
 * a `rejected` receipt (invalid_payload) when the payload fails its schema.
 */
export function parseRulesCommand(envelope: TxEnvelope, tx: TxContext): RulesCommand | RejectedReceipt | null {
  const { type, payload } = envelope.body;
  if (!isRulesTxType(type)) return null;
  return rulesCommandOf(type, payload, tx);
}

/** The command of a rules tx type and payload, or a `rejected` receipt (invalid_payload) when the payload fails its schema. */
export function rulesCommandOf(type: RulesTxType, payload: unknown, tx: TxContext): RulesCommand | RejectedReceipt {
  const result = RULES_TX_SCHEMAS[type].safeParse(payload);
  if (!result.success) {
    const issues = zodIssues(result.error, 'payload');
    return {
      kind: 'rejected',
      code: 'invalid_payload',
      type,
      message: `invalid ${type} payload: ${describeIssues(issues)}`,
      issues,
      height: tx.height,
      time: tx.time,
      index: tx.index,
      txId: tx.txId,
      from: tx.from,
    };
  }
  return { type, payload: result.data, tx } as RulesCommand;
}

export function isRulesCommand(value: RulesCommand | RejectedReceipt): value is RulesCommand {
  return 'payload' in value;
}
