import { checkedSum } from '../common/amount.math';
import { datasetId, Issue } from '../common/rules-ids.schema';
import { RuleParams } from '../params/rule-params.schema';
import { parseOdrlPolicy } from '../policy/odrl-policy.parser';
import {
  CancelledReceipt,
  ExpiredReceipt,
  Receipt,
  ReceiptBase,
  RejectedReceipt,
  RejectionCode,
  RevokedReceipt,
} from '../receipts/rules-receipt.events';
import { openItems } from '../state/open-items.index';
import { accountOf, findDataset, findGrant, findRequest } from '../state/rules-state.queries';
import { DatasetRecord, GrantRecord, RequestRecord, RulesState, Stamp } from '../state/rules-state.schema';
import {
  AccessCancelPayload,
  AccessConsentPayload,
  AccessRefusePayload,
  AccessRequestPayload,
  AccessRevokePayload,
  AccessUsePayload,
  DatasetDeprecatePayload,
  DatasetRegisterPayload,
  DatasetUpdatePayload,
} from '../tx/rules-tx.schema';
import { assessRequest, isLiveGrant, privacyGuard } from './access.evaluator';
import { credit, datasetPoints } from './points.calculator';
import { RulesCommand, TxContext } from './rules-command.parser';

/** What a decision may read besides the state: the parameters in force and the active members. */
export interface DecisionEnv {
  readonly params: RuleParams;
  /** Ids of the channel's active members (from the ledger's ChannelConfig). */
  readonly members: ReadonlySet<string>;
}

/**
 * The decider: what one rules tx does to the given state, as receipts
 * (docs/rules.md "Transactions"). Pure; the state is only read. A rejected
 * tx yields exactly one `rejected` receipt; evolve() applies the others.
 */
export function decide(command: RulesCommand, state: RulesState, env: DecisionEnv): Receipt[] {
  switch (command.type) {
    case 'dataset.register':
      return [register(command.payload, command.tx, state, env)];
    case 'dataset.update':
      return [update(command.payload, command.tx, state, env)];
    case 'dataset.deprecate':
      return deprecate(command.payload, command.tx, state);
    case 'access.request':
      return [request(command.payload, command.tx, state, env)];
    case 'access.consent':
      return [consent(command.payload, command.tx, state, env)];
    case 'access.refuse':
      return [refuse(command.payload, command.tx, state)];
    case 'access.cancel':
      return [cancel(command.payload, command.tx, state)];
    case 'access.revoke':
      return [revoke(command.payload, command.tx, state)];
    case 'access.use':
      return [use(command.payload, command.tx, state, env)];
    default: {
      const unreachable: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unreachable)}`);
    }
  }
}

function base(tx: TxContext): ReceiptBase {
  return { height: tx.height, time: tx.time, index: tx.index, txId: tx.txId, from: tx.from };
}

function stamp(tx: TxContext): Stamp {
  return { height: tx.height, time: tx.time, txId: tx.txId };
}

function reject(
  tx: TxContext,
  type: string,
  code: RejectionCode,
  message: string,
  issues: readonly Issue[] = [],
): RejectedReceipt {
  return { ...base(tx), kind: 'rejected', code, type, message, issues };
}

function register(p: DatasetRegisterPayload, tx: TxContext, state: RulesState, env: DecisionEnv): Receipt {
  const type = 'dataset.register';
  const id = datasetId(tx.from, p.name);
  if (findDataset(state, id) !== undefined)
    return reject(tx, type, 'dataset_exists', `dataset ${id} is already registered (ids are never reused)`);
  const policy = parseOdrlPolicy(p.policy, { owner: tx.from, dataset: id });
  if (!policy.ok) return reject(tx, type, 'invalid_policy', policy.message, policy.issues);
  const points = datasetPoints(env.params.registerPoints, p);
  if (points === undefined || credit(accountOf(state, tx.from), points) === undefined) {
    return reject(tx, type, 'amount_overflow', `the registration points would exceed the safe integer range`);
  }
  const at = stamp(tx);
  const record: DatasetRecord = {
    id,
    owner: tx.from,
    name: p.name,
    title: p.title,
    description: p.description ?? null,
    domain: p.domain,
    dataType: p.dataType,
    sensitivity: p.sensitivity,
    subjectKey: p.subjectKey ?? null,
    volumeBytes: p.volumeBytes,
    updateFrequency: p.updateFrequency,
    governance: p.governance,
    version: 1,
    contentHash: p.contentHash,
    policy: p.policy,
    terms: policy.terms,
    status: 'active',
    registeredAt: at,
    updatedAt: at,
    deprecatedAt: null,
    rewardedAt: tx.time,
    accesses: 0,
  };
  return { ...base(tx), kind: 'registered', code: 'ok', dataset: id, record, points };
}

/** The dataset a tx of its owner refers to, or the rejection. */
function ownedActiveDataset(
  tx: TxContext,
  type: string,
  id: string,
  state: RulesState,
): DatasetRecord | RejectedReceipt {
  const dataset = findDataset(state, id);
  if (dataset === undefined) return reject(tx, type, 'unknown_dataset', `no dataset ${id} is registered`);
  if (dataset.owner !== tx.from)
    return reject(tx, type, 'not_owner', `only the owner ${dataset.owner} may change ${id}`);
  if (dataset.status !== 'active') return reject(tx, type, 'dataset_deprecated', `dataset ${id} is deprecated`);
  return dataset;
}

function isRejected(value: object): value is RejectedReceipt {
  return 'kind' in value && value.kind === 'rejected';
}

function update(p: DatasetUpdatePayload, tx: TxContext, state: RulesState, env: DecisionEnv): Receipt {
  const type = 'dataset.update';
  const dataset = ownedActiveDataset(tx, type, p.dataset, state);
  if (isRejected(dataset)) return dataset;
  if (p.version !== dataset.version + 1) {
    return reject(
      tx,
      type,
      'version_not_next',
      `version ${p.version} does not follow the current version ${dataset.version}`,
    );
  }
  let { policy, terms } = dataset;
  if (p.policy !== undefined) {
    const parsed = parseOdrlPolicy(p.policy, { owner: dataset.owner, dataset: dataset.id });
    if (!parsed.ok) return reject(tx, type, 'invalid_policy', parsed.message, parsed.issues);
    policy = p.policy;
    terms = parsed.terms;
  }
  const next: DatasetRecord = {
    ...dataset,
    version: p.version,
    contentHash: p.contentHash,
    title: p.title ?? dataset.title,
    description: p.description ?? dataset.description,
    volumeBytes: p.volumeBytes ?? dataset.volumeBytes,
    updateFrequency: p.updateFrequency ?? dataset.updateFrequency,
    policy,
    terms,
    updatedAt: stamp(tx),
  };
  // New content earns points at most once per updateMinIntervalMs, so re-publishing cannot farm them.
  const rewarded =
    p.contentHash !== dataset.contentHash && tx.time - dataset.rewardedAt >= env.params.updateMinIntervalMs;
  const points = rewarded ? datasetPoints(env.params.updatePoints, next) : 0;
  if (points === undefined || credit(accountOf(state, tx.from), points) === undefined) {
    return reject(tx, type, 'amount_overflow', 'the update points would exceed the safe integer range');
  }
  const record = rewarded ? { ...next, rewardedAt: tx.time } : next;
  return { ...base(tx), kind: 'updated', code: 'ok', dataset: dataset.id, record, points };
}

function sortedById<T extends { readonly id: string }>(records: Iterable<T>): T[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function deprecate(p: DatasetDeprecatePayload, tx: TxContext, state: RulesState): Receipt[] {
  const dataset = ownedActiveDataset(tx, 'dataset.deprecate', p.dataset, state);
  if (isRejected(dataset)) return [dataset];
  const cancelled: CancelledReceipt[] = sortedById(openItems(state).pendingRequests())
    .filter((r) => r.dataset === dataset.id)
    .map((r) => ({ ...base(tx), kind: 'cancelled', code: 'dataset_deprecated', request: r.id, refund: r.held }));
  return [{ ...base(tx), kind: 'deprecated', code: 'ok', dataset: dataset.id, reason: p.reason ?? null }, ...cancelled];
}

function request(p: AccessRequestPayload, tx: TxContext, state: RulesState, env: DecisionEnv): Receipt {
  const type = 'access.request';
  const evaluation = assessRequest(state, env.params, env.members, { ...p, requester: tx.from }, tx.time);
  const { checks } = evaluation;
  switch (evaluation.outcome) {
    case 'rejected':
      return reject(
        tx,
        type,
        evaluation.code as RejectionCode,
        evaluation.message,
        checks.filter((c) => c.status === 'fail').map((c) => ({ path: c.name, message: c.message })),
      );
    case 'denied':
      return {
        ...base(tx),
        kind: 'denied',
        code: evaluation.code as Extract<Receipt, { kind: 'denied' }>['code'],
        request: tx.txId,
        stage: 'request',
        requester: tx.from,
        dataset: p.dataset,
        purpose: p.purpose,
        refund: 0,
        message: evaluation.message,
        checks,
        conflicts: evaluation.conflicts,
      };
    case 'pending':
    case 'granted':
      break;
    default: {
      const unreachable: never = evaluation.outcome;
      throw new Error(`unhandled outcome ${String(unreachable)}`);
    }
  }
  // Both outcomes passed the dataset, points and expiry checks, so these are present.
  const dataset = findDataset(state, p.dataset) as DatasetRecord;
  const cost = evaluation.cost as NonNullable<typeof evaluation.cost>;
  const requestExpiresAt = checkedSum(tx.time, env.params.requestExpiryMs);
  if (requestExpiresAt === undefined)
    return reject(tx, type, 'amount_overflow', 'the request expiry would exceed the safe integer range');
  const record: RequestRecord = {
    id: tx.txId,
    requester: tx.from,
    dataset: dataset.id,
    provider: dataset.owner,
    purpose: p.purpose,
    durationMs: p.durationMs,
    status: 'pending',
    requestedAt: stamp(tx),
    expiresAt: requestExpiresAt,
    fee: cost.fee,
    compensation: cost.compensation,
    held: cost.total,
    maxAccesses: dataset.terms.maxAccesses,
    closedAt: null,
    code: null,
  };
  if (evaluation.outcome === 'pending')
    return { ...base(tx), kind: 'pending', code: 'consent_required', request: record, checks };
  const granted: RequestRecord = { ...record, status: 'granted', held: 0, closedAt: stamp(tx), code: 'auto' };
  const grant = newGrant(granted, dataset, tx, evaluation.grantExpiresAt as number, evaluation.exempt);
  return { ...base(tx), kind: 'granted', code: 'auto', request: granted, grant, checks };
}

function newGrant(
  request: RequestRecord,
  dataset: DatasetRecord,
  tx: TxContext,
  expiresAt: number,
  exempt: boolean,
): GrantRecord {
  return {
    id: request.id,
    requester: request.requester,
    dataset: request.dataset,
    provider: request.provider,
    purpose: request.purpose,
    sensitivity: dataset.sensitivity,
    subjectKey: dataset.subjectKey,
    grantedAt: stamp(tx),
    expiresAt,
    maxAccesses: request.maxAccesses,
    accessesUsed: 0,
    bytesUsed: 0,
    rewardedUses: 0,
    exempt,
    status: 'active',
    endedAt: null,
    code: null,
  };
}

/** The pending request a provider's tx decides, or the rejection. */
function providersPendingRequest(
  tx: TxContext,
  type: string,
  id: string,
  state: RulesState,
): RequestRecord | RejectedReceipt {
  const request = findRequest(state, id);
  if (request === undefined) return reject(tx, type, 'unknown_request', `no request ${id} is on record`);
  if (request.provider !== tx.from)
    return reject(tx, type, 'not_provider', `only the provider ${request.provider} may decide request ${id}`);
  if (request.status !== 'pending')
    return reject(tx, type, 'request_not_pending', `request ${id} is ${request.status}, not pending`);
  return request;
}

function consent(p: AccessConsentPayload, tx: TxContext, state: RulesState, env: DecisionEnv): Receipt {
  const type = 'access.consent';
  const request = providersPendingRequest(tx, type, p.request, state);
  if (isRejected(request)) return request;
  // A pending request's dataset is active: deprecation cancels pending requests.
  const dataset = findDataset(state, request.dataset) as DatasetRecord;
  if (!env.members.has(request.requester)) {
    return reject(tx, type, 'requester_not_member', `${request.requester} is no longer an active member`);
  }
  // Other grants may have been made since the request: the privacy guard decides again now.
  const guard = privacyGuard(state, env.params, request.requester, dataset, request.purpose, tx.time);
  if (!guard.ok) {
    return {
      ...base(tx),
      kind: 'denied',
      code: 'privacy_guard',
      request: request.id,
      stage: 'consent',
      requester: request.requester,
      dataset: request.dataset,
      purpose: request.purpose,
      refund: request.held,
      message: guard.message,
      checks: [{ name: 'privacy_guard', status: 'fail', code: 'privacy_guard', message: guard.message }],
      conflicts: guard.conflicts,
    };
  }
  const expiresAt = checkedSum(tx.time, request.durationMs);
  if (expiresAt === undefined || credit(accountOf(state, request.provider), request.compensation) === undefined) {
    return reject(
      tx,
      type,
      'amount_overflow',
      "the grant's end or the provider's points would exceed the safe integer range",
    );
  }
  const grant = newGrant(request, dataset, tx, expiresAt, guard.exempt);
  return { ...base(tx), kind: 'consented', code: 'ok', request: request.id, grant };
}

function refuse(p: AccessRefusePayload, tx: TxContext, state: RulesState): Receipt {
  const request = providersPendingRequest(tx, 'access.refuse', p.request, state);
  if (isRejected(request)) return request;
  return {
    ...base(tx),
    kind: 'refused',
    code: 'provider_refused',
    request: request.id,
    refund: request.held,
    reason: p.reason ?? null,
  };
}

function cancel(p: AccessCancelPayload, tx: TxContext, state: RulesState): Receipt {
  const type = 'access.cancel';
  const request = findRequest(state, p.request);
  if (request === undefined) return reject(tx, type, 'unknown_request', `no request ${p.request} is on record`);
  if (request.requester !== tx.from)
    return reject(tx, type, 'not_requester', `only the requester ${request.requester} may cancel request ${p.request}`);
  if (request.status !== 'pending')
    return reject(tx, type, 'request_not_pending', `request ${p.request} is ${request.status}, not pending`);
  return { ...base(tx), kind: 'cancelled', code: 'requester_cancelled', request: request.id, refund: request.held };
}

/** The grant a provider's tx acts on, or the rejection. */
function providersGrant(tx: TxContext, type: string, id: string, state: RulesState): GrantRecord | RejectedReceipt {
  const grant = findGrant(state, id);
  if (grant === undefined) return reject(tx, type, 'unknown_grant', `no grant ${id} is on record`);
  if (grant.provider !== tx.from)
    return reject(tx, type, 'not_provider', `only the provider ${grant.provider} may act on grant ${id}`);
  if (grant.status === 'exhausted')
    return reject(tx, type, 'grant_exhausted', `grant ${id} has used all of its ${grant.maxAccesses ?? 0} accesses`);
  if (!isLiveGrant(grant, tx.time))
    return reject(
      tx,
      type,
      'grant_not_active',
      `grant ${id} is ${grant.status === 'active' ? 'expired' : grant.status}`,
    );
  return grant;
}

function revoke(p: AccessRevokePayload, tx: TxContext, state: RulesState): Receipt {
  const grant = providersGrant(tx, 'access.revoke', p.grant, state);
  if (isRejected(grant)) return grant;
  return { ...base(tx), kind: 'revoked', code: 'provider_revoked', grant: grant.id, reason: p.reason ?? null };
}

function use(p: AccessUsePayload, tx: TxContext, state: RulesState, env: DecisionEnv): Receipt {
  const type = 'access.use';
  const grant = providersGrant(tx, type, p.grant, state);
  if (isRejected(grant)) return grant;
  const accessesUsed = grant.accessesUsed + 1;
  const rewarded = grant.rewardedUses < env.params.maxRewardedUsesPerGrant;
  const points = rewarded ? env.params.usePoints : 0;
  if (
    checkedSum(grant.bytesUsed, p.bytes) === undefined ||
    credit(accountOf(state, grant.provider), points) === undefined
  ) {
    return reject(
      tx,
      type,
      'amount_overflow',
      "the grant's byte counter or the provider's points would exceed the safe integer range",
    );
  }
  const exhausted = grant.maxAccesses !== null && accessesUsed >= grant.maxAccesses;
  return {
    ...base(tx),
    kind: 'used',
    code: exhausted ? 'exhausted' : 'ok',
    grant: grant.id,
    dataset: grant.dataset,
    provider: grant.provider,
    bytes: p.bytes,
    accessesUsed,
    maxAccesses: grant.maxAccesses,
    rewarded,
    points,
  };
}

function boundary(height: number, time: number): ReceiptBase {
  return { height, time, index: null, txId: null, from: null };
}

function byExpiry<T extends { readonly expiresAt: number; readonly id: string }>(a: T, b: T): number {
  return a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Time's effects at a block's start: pending requests and active grants
 * whose expiresAt is at or before the block time expire (requests first,
 * each in order of expiresAt, then id).
 */
export function expire(state: RulesState, height: number, time: number): ExpiredReceipt[] {
  const at = boundary(height, time);
  const open = openItems(state);
  const requests = [...open.pendingRequests()]
    .filter((r) => r.expiresAt <= time)
    .sort(byExpiry)
    .map((r): ExpiredReceipt => ({ ...at, kind: 'expired', code: 'request_expired', request: r.id, refund: r.held }));
  const grants = [...open.activeGrants()]
    .filter((g) => g.expiresAt <= time)
    .sort(byExpiry)
    .map((g): ExpiredReceipt => ({ ...at, kind: 'expired', code: 'grant_expired', grant: g.id }));
  return [...requests, ...grants];
}

/**
 * Membership's effects at a block's end: pending requests and active grants
 * with a requester or provider that is no longer an active member are
 * cancelled / revoked (`member_removed`), in id order. Re-joining later
 * restores points and datasets, not these.
 */
export function reconcileMembership(
  state: RulesState,
  members: ReadonlySet<string>,
  height: number,
  time: number,
): (CancelledReceipt | RevokedReceipt)[] {
  const at = boundary(height, time);
  const gone = (a: string, b: string) => !members.has(a) || !members.has(b);
  const open = openItems(state);
  const cancelled = sortedById(open.pendingRequests())
    .filter((r) => gone(r.requester, r.provider))
    .map((r): CancelledReceipt => ({
      ...at,
      kind: 'cancelled',
      code: 'member_removed',
      request: r.id,
      refund: r.held,
    }));
  const revoked = sortedById(open.activeGrants())
    .filter((g) => gone(g.requester, g.provider))
    .map((g): RevokedReceipt => ({ ...at, kind: 'revoked', code: 'member_removed', grant: g.id, reason: null }));
  return [...cancelled, ...revoked];
}
