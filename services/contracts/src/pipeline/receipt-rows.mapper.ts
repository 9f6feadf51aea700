import { isEnvelopeEntry, NAME_PATTERN, type Block, type JsonObject } from '@accord/protocol';
import {
  DATASET_ID_PATTERN,
  type BlockApplierEvent,
  findDataset,
  TOKEN_PATTERN,
  type Check,
  type ConflictingGrant,
  type Issue,
  type Receipt,
  type RulesState,
} from '@accord/rules';
import type { AppliedBlockRows, StoredReceipt } from '../persistence/receipt.repository';
import type { UnkeptRequest } from '../persistence/rules-state.repository';

/** How a request was last decided, kept with its query row: the reasons the API shows. */
export interface RequestDecision {
  readonly kind: Receipt['kind'];
  readonly code: string;
  readonly height: number;
  readonly time: number;
  readonly message: string | null;
  readonly checks?: readonly Check[];
  readonly conflicts?: readonly ConflictingGrant[];
  readonly issues?: readonly Issue[];
}

/** The payload of the tx a receipt answers, when it is an envelope with an object payload. */
function payloadOf(receipt: Receipt, block: Block): JsonObject | undefined {
  if (receipt.index === null) return undefined;
  const entry = block.txs[receipt.index];
  return entry !== undefined && isEnvelopeEntry(entry) ? entry.envelope.body.payload : undefined;
}

/**
 * A payload field that has the form of an id (hash, dataset id) or token.
 * Payloads of rejected txs may hold anything; only well-formed values reach
 * the query columns (a text column refuses U+0000, for one).
 */
function idField(payload: JsonObject | undefined, key: string, pattern: RegExp): string | null {
  const value = payload?.[key];
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * What a receipt is about: the request (= grant) id for access receipts,
 * the dataset id for dataset receipts, and for rejections whatever the
 * rejected tx named (so a request's history shows, e.g., a consent by a
 * department that is not its provider). Null for parameter notices.
 */
export function receiptSubject(receipt: Receipt, block: Block): string | null {
  switch (receipt.kind) {
    case 'registered':
    case 'updated':
    case 'deprecated':
      return receipt.dataset;
    case 'pending':
    case 'granted':
      return receipt.request.id;
    case 'consented':
    case 'denied':
    case 'refused':
    case 'cancelled':
      return receipt.request;
    case 'revoked':
    case 'used':
      return receipt.grant;
    case 'expired':
      return receipt.code === 'request_expired' ? receipt.request : receipt.grant;
    case 'rejected': {
      if (receipt.type === 'access.request') return receipt.txId;
      const payload = payloadOf(receipt, block);
      if (receipt.type === 'dataset.register') {
        const name = idField(payload, 'name', NAME_PATTERN);
        return name !== null && receipt.from !== null ? `${receipt.from}/${name}` : null;
      }
      return (
        idField(payload, 'request', HASH_PATTERN) ??
        idField(payload, 'grant', HASH_PATTERN) ??
        idField(payload, 'dataset', DATASET_ID_PATTERN)
      );
    }
    default: {
      const unreachable: never = receipt;
      throw new Error(`unhandled receipt ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The decision a receipt records for the request it is about, or undefined when it decides none. */
export function requestDecision(receipt: Receipt): RequestDecision | undefined {
  const at = { kind: receipt.kind, code: receipt.code, height: receipt.height, time: receipt.time };
  switch (receipt.kind) {
    case 'pending':
      return { ...at, message: `waiting for ${receipt.request.provider}'s consent`, checks: receipt.checks };
    case 'granted':
      return { ...at, message: 'granted: the policy allows it and level and points suffice', checks: receipt.checks };
    case 'denied':
      return { ...at, message: receipt.message, checks: receipt.checks, conflicts: receipt.conflicts };
    case 'consented':
      return { ...at, message: "granted with the provider's consent" };
    case 'refused':
      return {
        ...at,
        message: receipt.reason === null ? 'refused by the provider' : `refused by the provider: ${receipt.reason}`,
      };
    case 'cancelled':
      return {
        ...at,
        message:
          receipt.code === 'requester_cancelled'
            ? 'cancelled by the requester'
            : receipt.code === 'member_removed'
              ? 'cancelled: a party left the channel'
              : 'cancelled: the dataset was deprecated',
      };
    case 'expired':
      return receipt.code === 'request_expired' ? { ...at, message: 'expired while waiting for consent' } : undefined;
    default:
      return undefined;
  }
}

/**
 * The query row of an access.request the rule state does not keep: denied
 * when made, or rejected (unknown dataset, not a member, bad payload, ...).
 * `state` is the state after the block (dataset owners never change).
 */
export function unkeptRequest(
  channel: string,
  receipt: Receipt,
  block: Block,
  state: RulesState,
): UnkeptRequest | null {
  if (receipt.kind === 'denied' && receipt.stage === 'request') {
    return {
      channel,
      id: receipt.request,
      requester: receipt.requester,
      provider: findDataset(state, receipt.dataset)?.owner ?? null,
      dataset: receipt.dataset,
      purpose: receipt.purpose,
      status: 'denied',
      code: receipt.code,
      height: receipt.height,
      time: receipt.time,
      decision: requestDecision(receipt),
    };
  }
  if (
    receipt.kind === 'rejected' &&
    receipt.type === 'access.request' &&
    receipt.txId !== null &&
    receipt.from !== null
  ) {
    const payload = payloadOf(receipt, block);
    const dataset = idField(payload, 'dataset', DATASET_ID_PATTERN);
    const decision: RequestDecision = {
      kind: 'rejected',
      code: receipt.code,
      height: receipt.height,
      time: receipt.time,
      message: receipt.message,
      issues: receipt.issues,
    };
    return {
      channel,
      id: receipt.txId,
      requester: receipt.from,
      provider: dataset === null ? null : (findDataset(state, dataset)?.owner ?? null),
      dataset,
      purpose: idField(payload, 'purpose', TOKEN_PATTERN),
      status: 'rejected',
      code: receipt.code,
      height: receipt.height,
      time: receipt.time,
      decision,
    };
  }
  return null;
}

/** The rows an applied block adds: its digest and receipts, the requests the state does not keep, and request decisions by subject. */
export interface AppliedBlockChanges {
  readonly rows: AppliedBlockRows;
  readonly unkept: readonly UnkeptRequest[];
  readonly decisions: ReadonlyMap<string, RequestDecision>;
}

/**
 * What a block.applied event of the block applier writes; `department` is
 * this service's department, which attests the digest while it is an active
 * member of the configuration after the block.
 */
export function appliedBlockChanges(
  event: Extract<BlockApplierEvent, { type: 'block.applied' }>,
  department: string,
): AppliedBlockChanges {
  const { channel, block, config, result } = event;
  const { header, hash } = block;
  const receipts: StoredReceipt[] = result.receipts.map((receipt, seq) => ({
    channel,
    height: header.height,
    seq,
    txId: receipt.txId,
    subject: receiptSubject(receipt, block),
    receipt,
  }));
  const unkept: UnkeptRequest[] = [];
  const decisions = new Map<string, RequestDecision>();
  for (const r of receipts) {
    const request = unkeptRequest(channel, r.receipt, block, result.state);
    if (request !== null) {
      unkept.push(request);
      continue;
    }
    const decision = requestDecision(r.receipt);
    if (decision !== undefined && r.subject !== null) decisions.set(r.subject, decision);
  }
  const attest = config?.members.some((m) => m.id === department && m.status === 'active') ?? false;
  const rows: AppliedBlockRows = {
    digest: {
      channel,
      height: header.height,
      blockHash: hash,
      time: header.time,
      digest: result.digest,
      attest,
      txCount: header.txCount,
      receiptCount: receipts.length,
    },
    receipts,
  };
  return { rows, unkept, decisions };
}
