import type { ChannelKind, ClosedBlock } from '@accord/ledger-core';
import { JsonObject, sha256Hex } from '@accord/protocol';
import { LedgerHarness, AppendedTx, testMember, TestMember } from '@accord/ledger-core/testing';
import { apply, ApplyResult, evaluate } from '../engine/rules.engine';
import { Evaluation } from '../engine/access.evaluator';
import { RuleParamsInput } from '../params/rule-params.schema';
import { Receipt } from '../receipts/rules-receipt.events';
import { initialRulesState, RulesState } from '../state/rules-state.schema';
import { DatasetRegisterPayload, RulesTxPayloads, RulesTxType } from '../tx/rules-tx.schema';
import { odrlPolicy } from './odrl-policy.builder';

export { testMember };
export type { AppendedTx, TestMember };

/**
 * Small, round parameters for specs: every registration earns 10 points
 * (+5 from 1000 bytes, +2 for daily updates), updates 3, uses 1 (3 per
 * grant at most); levels at 0 / 20 / 40 points.
 */
export const TEST_RULES = {
  registerPoints: {
    byDataType: { video: 20 },
    otherDataType: 10,
    byVolume: [
      { minBytes: 0, points: 0 },
      { minBytes: 1000, points: 5 },
    ],
    byUpdateFrequency: { once: 0, yearly: 0, quarterly: 0, monthly: 0, weekly: 0, daily: 2, hourly: 0, realtime: 0 },
  },
  updatePoints: {
    byDataType: {},
    otherDataType: 3,
    byVolume: [{ minBytes: 0, points: 0 }],
    byUpdateFrequency: { once: 0, yearly: 0, quarterly: 0, monthly: 0, weekly: 0, daily: 0, hourly: 0, realtime: 0 },
  },
  updateMinIntervalMs: 1000,
  usePoints: 1,
  maxRewardedUsesPerGrant: 3,
  requestCost: { public: 0, internal: 2, personal: 5, sensitive: 10 },
  levels: [
    { minScore: 0, maxSensitivity: 'internal' },
    { minScore: 20, maxSensitivity: 'personal' },
    { minScore: 40, maxSensitivity: 'sensitive' },
  ],
  maxPersonalSources: 2,
  requestExpiryMs: 10_000,
  maxGrantDurationMs: 100_000,
  approvedJointPurposes: [],
} satisfies RuleParamsInput;

let contentCounter = 0;
/** A distinct content hash per call. */
export function contentHash(label = `content-${contentCounter++}`): string {
  return sha256Hex(Buffer.from(label));
}

/** A dataset.register payload: an internal, once-published record set of 0 bytes (10 points) unless overridden. */
export function registration(name: string, changes: Partial<DatasetRegisterPayload> = {}): DatasetRegisterPayload {
  return {
    name,
    title: `Dataset ${name}`,
    domain: 'transport',
    dataType: 'record',
    sensitivity: 'internal',
    volumeBytes: 0,
    updateFrequency: 'once',
    governance: 'light',
    contentHash: contentHash(`${name}-v1`),
    policy: odrlPolicy(),
    ...changes,
  };
}

export interface RulesHarnessOptions {
  readonly kind?: ChannelKind;
  /** The channel policy's `rules` object (default TEST_RULES). */
  readonly rules?: JsonObject;
  readonly votingWindowBlocks?: number;
}

/**
 * A real ledger (TestLog + BlockBuilder) feeding the rule engine: append
 * txs, then closeBlock() cuts the ledger block and applies it with the
 * configuration the ledger produced. `given()` closes the genesis block.
 */
export class RulesHarness {
  readonly ledger = new LedgerHarness();
  state: RulesState = initialRulesState();
  readonly results: ApplyResult[] = [];

  constructor(
    readonly members: readonly TestMember[],
    options: RulesHarnessOptions = {},
  ) {
    this.ledger.log.genesis(members[0], options.kind ?? 'alliance', members, {
      owner: options.kind === 'private' ? members[0].id : undefined,
      policy: {
        rules: options.rules ?? (TEST_RULES as unknown as JsonObject),
        votingWindowBlocks: options.votingWindowBlocks ?? 5,
      },
    });
  }

  /** A channel of these members whose genesis block is applied. */
  static given(members: readonly TestMember[], options: RulesHarnessOptions = {}): RulesHarness {
    const h = new RulesHarness(members, options);
    h.closeBlock();
    return h;
  }

  tx<T extends RulesTxType>(from: TestMember, type: T, payload: RulesTxPayloads[T]): AppendedTx {
    return this.ledger.log.tx(from, type, payload as unknown as JsonObject);
  }

  /** Any tx, e.g. with a payload that breaks its schema. */
  rawTx(from: TestMember, type: string, payload: JsonObject): AppendedTx {
    return this.ledger.log.tx(from, type, payload);
  }

  register(from: TestMember, name: string, changes: Partial<DatasetRegisterPayload> = {}): AppendedTx {
    return this.tx(from, 'dataset.register', registration(name, changes));
  }

  request(from: TestMember, dataset: string, purpose = 'statistics', durationMs = 50_000): AppendedTx {
    return this.tx(from, 'access.request', { dataset, purpose, durationMs });
  }

  consent(from: TestMember, request: AppendedTx): AppendedTx {
    return this.tx(from, 'access.consent', { request: request.txId });
  }

  use(from: TestMember, grant: AppendedTx, bytes = 100): AppendedTx {
    return this.tx(from, 'access.use', { grant: grant.txId, bytes });
  }

  /** Log time moves on by `ms` before the next record. */
  advance(ms: number): void {
    this.ledger.log.advance(ms);
  }

  /** Cuts the open ledger block and applies it (and any block the size limits closed before) to the rule state. */
  closeBlock(): ApplyResult {
    for (const closed of this.ledger.sync()) this.applyClosed(closed);
    if (this.ledger.builder.openBlock() === null) {
      const last = this.results[this.results.length - 1];
      if (last === undefined) throw new Error('closeBlock: nothing to close');
      return last;
    }
    return this.applyClosed(this.ledger.closeBlock());
  }

  private applyClosed(closed: ClosedBlock): ApplyResult {
    const result = apply(this.state, closed.block, closed.config);
    this.state = result.state;
    this.results.push(result);
    return result;
  }

  /** Receipts caused by a tx (its block must be closed). */
  receiptsOf(tx: AppendedTx): Receipt[] {
    return this.results.flatMap((r) => r.receipts).filter((r) => r.txId === tx.txId);
  }

  /** The one receipt a tx got. */
  receiptOf(tx: AppendedTx): Receipt {
    const found = this.receiptsOf(tx);
    if (found.length !== 1) throw new Error(`expected one receipt for ${tx.txId}, found ${found.length}`);
    return found[0];
  }

  lastReceipts(): readonly Receipt[] {
    return this.results[this.results.length - 1]?.receipts ?? [];
  }

  evaluate(
    requester: TestMember,
    dataset: string,
    purpose = 'statistics',
    durationMs = 50_000,
    time = this.state.time + 1,
  ): Evaluation {
    return evaluate(this.state, this.ledger.config, { requester: requester.id, dataset, purpose, durationMs }, time);
  }

  get blocks() {
    return this.ledger.blocks;
  }
}
