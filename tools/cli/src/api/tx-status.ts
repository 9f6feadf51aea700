import { ApiError } from './api.errors';
import type { DepartmentApi } from './department.api';

/** What a signed action answers (202): the tx is published, its block decides. */
export interface SubmittedTx {
  readonly txId: string;
  readonly status: string;
  /** Path on the department's ledger API: `/v1/txs/<txId>?...`. */
  readonly statusUrl: string;
  readonly channel: string;
}

/** Where a tx stands on the ledger (GET /v1/txs/:txId). */
export type TxStatus =
  | { readonly txId: string; readonly status: 'pending'; readonly channel: string }
  | {
      readonly txId: string;
      readonly status: 'committed';
      readonly channel: string;
      readonly height: number;
      readonly index: number;
      /** The validity code: `valid`, or why the block builders flagged it. */
      readonly code: string;
      readonly blockHash: string;
      readonly final: boolean;
    };

/** One long poll of the ledger lasts at most this (its limit is 60 s). */
const POLL_MS = 20_000;

/**
 * Long-polls a submitted tx's status URL until it is committed or
 * `timeoutMs` has passed (then the last status: pending, or undefined when
 * the ledger does not know it yet — a tx published by another service is
 * known to the ledger only once committed).
 */
export async function waitForTx(
  api: DepartmentApi,
  statusUrl: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<TxStatus | undefined> {
  const deadline = now() + timeoutMs;
  let last: TxStatus | undefined;
  for (;;) {
    const waitMs = Math.max(0, Math.min(POLL_MS, deadline - now()));
    try {
      last = await api.request<TxStatus>('ledger', 'GET', statusUrl, {
        query: { waitMs },
        timeoutMs: waitMs + 10_000,
      });
      if (last.status === 'committed') return last;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'tx_not_found')) throw error;
    }
    if (now() >= deadline) return last;
  }
}
