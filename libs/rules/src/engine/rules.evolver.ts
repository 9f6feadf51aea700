import { checkedDifference, checkedSum } from '../common/amount.math';
import { Receipt, ReceiptBase } from '../receipts/rules-receipt.events';
import { accountOf, findDataset, findGrant, findRequest } from '../state/rules-state.queries';
import { cachedOpenItems, carryOpenItems } from '../state/open-items.index';
import { forkRecords, writeRecord } from '../state/state-digest';
import {
  Account,
  GrantRecord,
  GrantStatus,
  RequestRecord,
  RequestStatus,
  RulesState,
  Stamp,
} from '../state/rules-state.schema';
import { RulesError } from '../errors/rules.errors';
import { credit } from './points.calculator';

/**
 * Applies a receipt to the state (the decider's evolve), returning a new
 * state; the input is not modified. Receipts come from decide(), which
 * checked every amount; one that does not fit the state (a record missing,
 * an amount out of range) throws `receipt.invalid`.
 */
export function evolve(state: RulesState, receipt: Receipt): RulesState {
  const draft = draftOf(state);
  applyReceipt(draft, receipt);
  return draft;
}

/**
 * A copy whose record maps may be written (through applyReceipt only, so
 * the digest can follow the writes); the records themselves are shared and
 * never modified. The state's open-items index, if built, moves to the draft.
 */
export function draftOf(state: RulesState): RulesState {
  const draft: RulesState = {
    ...state,
    accounts: { ...state.accounts },
    datasets: forkRecords(state.datasets),
    requests: forkRecords(state.requests),
    grants: forkRecords(state.grants),
  };
  carryOpenItems(state, draft);
  return draft;
}

/** Writes a receipt's effects into a draft (records are replaced, never mutated). */
export function applyReceipt(draft: RulesState, receipt: Receipt): void {
  switch (receipt.kind) {
    case 'registered':
    case 'updated':
      writeRecord(draft.datasets, receipt.dataset, receipt.record);
      earn(draft, receipt.record.owner, receipt.points);
      return;
    case 'deprecated': {
      const dataset = required(findDataset(draft, receipt.dataset), receipt);
      writeRecord(draft.datasets, dataset.id, { ...dataset, status: 'deprecated', deprecatedAt: stampOf(receipt) });
      return;
    }
    case 'pending': {
      const { request } = receipt;
      putRequest(draft, request);
      const account = accountOf(draft, request.requester);
      setAccount(draft, request.requester, {
        ...account,
        balance: sub(account.balance, request.held),
        held: add(account.held, request.held),
      });
      return;
    }
    case 'granted': {
      const { request, grant } = receipt;
      putRequest(draft, request);
      putGrant(draft, grant);
      const account = accountOf(draft, request.requester);
      setAccount(draft, request.requester, {
        ...account,
        balance: sub(account.balance, add(request.fee, request.compensation)),
      });
      earn(draft, request.provider, request.compensation);
      return;
    }
    case 'consented': {
      const request = required(findRequest(draft, receipt.request), receipt);
      const account = accountOf(draft, request.requester);
      setAccount(draft, request.requester, { ...account, held: sub(account.held, request.held) });
      earn(draft, request.provider, request.compensation);
      closeRequest(draft, request, 'granted', receipt);
      putGrant(draft, receipt.grant);
      return;
    }
    case 'denied':
      // Denied when made: nothing was stored. Denied at consent: the held points come back.
      if (receipt.stage === 'consent')
        closeRequest(draft, required(findRequest(draft, receipt.request), receipt), 'denied', receipt);
      return;
    case 'refused':
      closeRequest(draft, required(findRequest(draft, receipt.request), receipt), 'refused', receipt);
      return;
    case 'cancelled':
      closeRequest(draft, required(findRequest(draft, receipt.request), receipt), 'cancelled', receipt);
      return;
    case 'expired':
      if (receipt.code === 'request_expired')
        closeRequest(draft, required(findRequest(draft, receipt.request), receipt), 'expired', receipt);
      else endGrant(draft, required(findGrant(draft, receipt.grant), receipt), 'expired', receipt);
      return;
    case 'revoked':
      endGrant(draft, required(findGrant(draft, receipt.grant), receipt), 'revoked', receipt);
      return;
    case 'used': {
      const grant = required(findGrant(draft, receipt.grant), receipt);
      const next: GrantRecord = {
        ...grant,
        accessesUsed: receipt.accessesUsed,
        bytesUsed: add(grant.bytesUsed, receipt.bytes),
        rewardedUses: receipt.rewarded ? grant.rewardedUses + 1 : grant.rewardedUses,
      };
      putGrant(
        draft,
        receipt.code === 'exhausted'
          ? { ...next, status: 'exhausted', endedAt: stampOf(receipt), code: 'exhausted' }
          : next,
      );
      const dataset = findDataset(draft, grant.dataset);
      if (dataset !== undefined)
        writeRecord(draft.datasets, dataset.id, { ...dataset, accesses: add(dataset.accesses, 1) });
      earn(draft, receipt.provider, receipt.points);
      return;
    }
    case 'rejected':
      return;
    default: {
      const unreachable: never = receipt;
      throw new Error(`unhandled receipt ${JSON.stringify(unreachable)}`);
    }
  }
}

function stampOf(receipt: ReceiptBase): Stamp {
  return { height: receipt.height, time: receipt.time, txId: receipt.txId };
}

/** Ends a request; the points it held go back to the requester's balance (for `granted` they were already settled). */
function closeRequest(draft: RulesState, request: RequestRecord, status: RequestStatus, receipt: Receipt): void {
  if (status !== 'granted' && request.held > 0) {
    const account = accountOf(draft, request.requester);
    setAccount(draft, request.requester, {
      ...account,
      balance: add(account.balance, request.held),
      held: sub(account.held, request.held),
    });
  }
  putRequest(draft, { ...request, status, held: 0, closedAt: stampOf(receipt), code: receipt.code });
}

function endGrant(draft: RulesState, grant: GrantRecord, status: GrantStatus, receipt: Receipt): void {
  putGrant(draft, { ...grant, status, endedAt: stampOf(receipt), code: receipt.code });
}

function earn(draft: RulesState, member: string, points: number): void {
  if (points === 0) return;
  const next = credit(accountOf(draft, member), points);
  if (next === undefined) throw new RulesError('receipt.invalid', `${member}'s score would overflow`);
  setAccount(draft, member, next);
}

function putRequest(draft: RulesState, request: RequestRecord): void {
  writeRecord(draft.requests, request.id, request);
  cachedOpenItems(draft)?.putRequest(request);
}

function putGrant(draft: RulesState, grant: GrantRecord): void {
  writeRecord(draft.grants, grant.id, grant);
  cachedOpenItems(draft)?.putGrant(grant);
}

function setAccount(draft: RulesState, member: string, account: Account): void {
  draft.accounts[member] = account;
}

function required<T>(value: T | undefined, receipt: Receipt): T {
  if (value === undefined)
    throw new RulesError('receipt.invalid', `receipt ${receipt.kind} refers to a record that does not exist`);
  return value;
}

function add(a: number, b: number): number {
  const sum = checkedSum(a, b);
  if (sum === undefined) throw new RulesError('receipt.invalid', 'an amount would exceed the safe integer range');
  return sum;
}

function sub(a: number, b: number): number {
  const difference = checkedDifference(a, b);
  if (difference === undefined) throw new RulesError('receipt.invalid', 'an amount would go negative');
  return difference;
}
