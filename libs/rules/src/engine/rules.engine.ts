import type { ChannelConfig } from '@accord/ledger-core';
import { Block, canonicalBytes, computeTxId, isEnvelopeEntry, sha256Hex } from '@accord/protocol';
import { RulesError } from '../errors/rules.errors';
import { DEFAULT_RULE_PARAMS, parseRuleParams, RuleParams } from '../params/rule-params.schema';
import { Receipt, RejectedReceipt } from '../receipts/rules-receipt.events';
import { RulesState, initialRulesState } from '../state/rules-state.schema';
import { stateDigest } from '../state/state-digest';
import { accessRequestInputSchema, assessRequest, Evaluation, invalidRequestEvaluation } from './access.evaluator';
import { isRulesCommand, parseRulesCommand } from './rules-command.parser';
import { decide, DecisionEnv, expire, reconcileMembership } from './rules.decider';
import { applyReceipt, draftOf } from './rules.evolver';

export interface ApplyResult {
  readonly state: RulesState;
  /** In order: expiries at the block's time, then each rules tx's receipts in block order, then membership effects and parameter notices. */
  readonly receipts: readonly Receipt[];
  /** stateDigest(state): what the department attests for this height. */
  readonly digest: string;
}

/**
 * Applies one committed block to the rule state (docs/rules.md "Engine").
 * `config` is the channel configuration AFTER this block, as the ledger
 * stores it with the block (ClosedBlock.config; null before the genesis).
 * Blocks must come in height order from -1 + 1 = 0 (`block.out_of_order`)
 * and all from one channel (`block.wrong_channel`). Pure: the input state is
 * not modified; only `valid` txs of the rules types have effects.
 */
export function apply(state: RulesState, block: Block, config: ChannelConfig | null): ApplyResult {
  const { channel, height, time } = block.header;
  if (state.channel !== null && channel !== state.channel) {
    throw new RulesError('block.wrong_channel', `block is for channel ${channel}, the state for ${state.channel}`, {
      channel,
      expected: state.channel,
    });
  }
  if (height !== state.height + 1) {
    throw new RulesError('block.out_of_order', `block ${height} does not follow the state's height ${state.height}`, {
      height,
      expected: state.height + 1,
    });
  }
  if (time < state.time) {
    throw new RulesError(
      'block.out_of_order',
      `block ${height} has time ${time}, before the previous block's ${state.time}`,
      { height, time },
    );
  }
  if (config !== null && config.channel !== channel) {
    throw new RulesError('config.invalid', `configuration is for channel ${config.channel}, the block for ${channel}`);
  }
  if (config === null && state.params !== null) {
    throw new RulesError(
      'config.invalid',
      `block ${height} comes without a configuration although the channel has one`,
    );
  }

  const draft = draftOf(state);
  draft.channel = channel;
  const receipts: Receipt[] = [];
  const emit = (list: readonly Receipt[]) => {
    for (const receipt of list) {
      applyReceipt(draft, receipt);
      receipts.push(receipt);
    }
  };

  // The genesis block is decided with the genesis policy; later blocks with the policy in force before them.
  if (draft.params === null && config !== null) emit(adoptParameters(draft, config, height, time));
  const params = draft.params;
  if (params !== null && config !== null) {
    const env: DecisionEnv = { params, members: activeMembers(config) };
    emit(expire(draft, height, time));
    block.txs.forEach((entry, index) => {
      if (!isEnvelopeEntry(entry) || entry.code !== 'valid') return;
      const { envelope } = entry;
      const parsed = parseRulesCommand(envelope, {
        txId: computeTxId(envelope.body),
        from: envelope.body.from,
        height,
        index,
        time,
      });
      if (parsed === null) return;
      emit(isRulesCommand(parsed) ? decide(parsed, draft, env) : [parsed]);
    });
    emit(reconcileMembership(draft, env.members, height, time));
    // A policy change approved in this block applies from the next block, as in the ledger.
    emit(adoptParameters(draft, config, height, time));
  }
  draft.height = height;
  draft.time = time;
  return { state: draft, receipts, digest: stateDigest(draft) };
}

/** Ids of the configuration's active members (what the decider's DecisionEnv.members holds). */
export function activeMembers(config: ChannelConfig): ReadonlySet<string> {
  return new Set(config.members.filter((m) => m.status === 'active').map((m) => m.id));
}

/**
 * Reads the parameters of `config.policy.rules` into the draft when that
 * object changed. Invalid parameters leave the previous ones (or, at the
 * genesis, the defaults) in force and yield one `rejected` receipt.
 */
function adoptParameters(draft: RulesState, config: ChannelConfig, height: number, time: number): RejectedReceipt[] {
  const rulesHash = sha256Hex(canonicalBytes(config.policy.rules));
  if (rulesHash === draft.rulesHash) return [];
  draft.rulesHash = rulesHash;
  const parsed = parseRuleParams(config.policy.rules);
  if (parsed.ok) {
    draft.params = parsed.params;
    return [];
  }
  draft.params ??= DEFAULT_RULE_PARAMS;
  return [
    {
      kind: 'rejected',
      code: 'invalid_parameters',
      type: 'policy',
      message: `${parsed.message}; the previous parameters stay in force`,
      issues: parsed.issues,
      height,
      time,
      index: null,
      txId: null,
      from: null,
    },
  ];
}

/**
 * Dry run of an access request (docs/rules.md "Evaluate"): what it would
 * get if it were decided at block time `time` on this state, and why, with
 * every check. Nothing changes. `config` is the latest channel
 * configuration (for membership); the parameters are those in force for the
 * next block. A malformed request is `rejected` with `invalid_payload`.
 */
export function evaluate(state: RulesState, config: ChannelConfig | null, request: unknown, time: number): Evaluation {
  const parsed = accessRequestInputSchema.safeParse(request);
  if (!parsed.success) return invalidRequestEvaluation(parsed.error);
  const params = parametersFor(state, config);
  const members = config === null ? new Set<string>() : activeMembers(config);
  return assessRequest(state, params, members, parsed.data, Math.max(time, state.time));
}

/** The parameters the next block will be decided with. */
export function parametersFor(state: RulesState, config: ChannelConfig | null): RuleParams {
  if (state.params !== null) return state.params;
  if (config === null) return DEFAULT_RULE_PARAMS;
  const parsed = parseRuleParams(config.policy.rules);
  return parsed.ok ? parsed.params : DEFAULT_RULE_PARAMS;
}

export interface ReplayStep {
  readonly block: Block;
  readonly config: ChannelConfig | null;
}

export interface ReplayResult {
  readonly state: RulesState;
  /** The digest after each block, in order. */
  readonly digests: readonly string[];
  readonly receipts: readonly Receipt[];
}

/** Applies blocks in order, from the initial state unless one is given (rebuilds and catch-up). */
export function replay(steps: Iterable<ReplayStep>, from: RulesState = initialRulesState()): ReplayResult {
  let state = from;
  const digests: string[] = [];
  const receipts: Receipt[] = [];
  for (const { block, config } of steps) {
    const result = apply(state, block, config);
    state = result.state;
    digests.push(result.digest);
    receipts.push(...result.receipts);
  }
  return { state, digests, receipts };
}
