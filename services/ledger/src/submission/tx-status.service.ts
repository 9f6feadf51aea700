import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TxEnvelope, ValidityCode } from '@accord/protocol';
import { BlockRepository, type StoredTx } from '../persistence/block.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { TxNotFoundError } from '../query/query.errors';

/** Where a tx stands, as GET /v1/txs/:txId answers. */
export type TxStatus =
  | { readonly txId: string; readonly status: 'pending'; readonly channel: string }
  | {
      readonly txId: string;
      readonly status: 'committed';
      readonly channel: string;
      readonly height: number;
      readonly index: number;
      readonly code: ValidityCode;
      readonly blockHash: string;
      /** A quorum of members attested the block. */
      readonly final: boolean;
      readonly envelope: TxEnvelope;
    };

/** Pending submissions are forgotten after this long (the tx may never reach a block, e.g. a lost publish). */
const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 100_000;
/** While anyone waits, the tx index is checked this often (one query for every waiter). */
const POLL_MS = 25;
/** Upper bound of one long-poll. */
export const MAX_WAIT_MS = 60_000;

interface Waiter {
  readonly txId: string;
  readonly resolve: (found: boolean) => void;
}

/**
 * Tx status and long-polling. Committed txs come from the tx index; txs
 * submitted here but not yet in a block are remembered in memory as
 * pending. Waiters are served by one shared poll of the tx index (one query
 * for all of them), run at once when the pipeline's CommitNotifier reports
 * a commit and every few ms otherwise.
 */
@Injectable()
export class TxStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new Map<string, { readonly channel: string; readonly since: number }>();
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly blocks: BlockRepository,
    private readonly reads: LedgerReadRepository,
    private readonly notifier: CommitNotifier,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.notifier.subscribe((blocks) => {
      for (const block of blocks) for (const txId of block.txIds) if (txId !== null) this.pending.delete(txId);
      this.wake();
    });
  }

  /** Remembers a tx published to `channel` and not committed yet. */
  markPending(txId: string, channel: string, now = Date.now()): void {
    this.prunePending(now);
    this.pending.delete(txId);
    this.pending.set(txId, { channel, since: now });
  }

  /** Forgets a pending tx (its publish failed). */
  forgetPending(txId: string): void {
    this.pending.delete(txId);
  }

  /** The pending mark of a tx submitted here, without asking the database. */
  pendingStatus(txId: string): TxStatus | undefined {
    const pending = this.pending.get(txId);
    return pending === undefined ? undefined : { txId, status: 'pending', channel: pending.channel };
  }

  /** The committed occurrence of a tx, or its pending mark, or undefined. */
  async status(txId: string): Promise<TxStatus | undefined> {
    const committed = await this.committed(txId);
    return committed ?? this.pendingStatus(txId);
  }

  /**
   * The status, waiting up to `waitMs` for the tx to be committed. Throws
   * TxNotFoundError when the tx is neither committed nor pending here at
   * the end of the wait.
   */
  async waitForStatus(txId: string, waitMs: number): Promise<TxStatus> {
    const now = await this.status(txId);
    if (now?.status === 'committed' || waitMs <= 0) return orNotFound(txId, now);
    await this.waitForCommit(txId, Math.min(waitMs, MAX_WAIT_MS));
    return orNotFound(txId, await this.status(txId));
  }

  /** Re-checks every waiter now (called for every commit the pipeline notifies). */
  wake(): void {
    if (this.waiters.size > 0) void this.poll();
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  private async committed(txId: string): Promise<TxStatus | undefined> {
    const found = primaryOccurrence(await this.blocks.findTx(txId));
    if (found === undefined || !('envelope' in found.entry)) return undefined;
    this.pending.delete(txId);
    const header = await this.blocks.getHeader(found.channel, found.height);
    return {
      txId,
      status: 'committed',
      channel: found.channel,
      height: found.height,
      index: found.index,
      code: found.code,
      blockHash: header?.hash ?? '',
      final: header?.final ?? false,
      envelope: found.entry.envelope,
    };
  }

  private waitForCommit(txId: string, waitMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => finish(false), waitMs);
      const waiter: Waiter = { txId, resolve: (found) => finish(found) };
      const finish = (found: boolean): void => {
        clearTimeout(timeout);
        if (this.waiters.delete(waiter)) resolve(found);
      };
      this.waiters.add(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed || this.waiters.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, POLL_MS);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const waiting = [...this.waiters];
      const ids = [...new Set(waiting.map((w) => w.txId))];
      const found = ids.length === 0 ? new Set<string>() : await this.reads.committedTxIds(ids);
      for (const waiter of waiting) if (found.has(waiter.txId)) waiter.resolve(true);
    } catch {
      // A failed poll (database busy or closing) is retried on the next tick; waiters time out on their own.
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private prunePending(now: number): void {
    for (const [txId, mark] of this.pending) {
      if (now - mark.since < PENDING_TTL_MS && this.pending.size < MAX_PENDING) break;
      this.pending.delete(txId);
    }
  }
}

/**
 * The occurrence that stands for a txId: the first one in its own channel
 * that is not a replay of itself (a later copy is `replayed`), else the first.
 */
export function primaryOccurrence(occurrences: readonly StoredTx[]): StoredTx | undefined {
  const own = occurrences.filter((t) => 'envelope' in t.entry && t.entry.envelope.body.channel === t.channel);
  const pool = own.length > 0 ? own : occurrences;
  return pool.find((t) => t.code !== 'replayed') ?? pool[0];
}

function orNotFound(txId: string, status: TxStatus | undefined): TxStatus {
  if (status === undefined) throw new TxNotFoundError(txId);
  return status;
}
