import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TxEnvelope, ValidityCode } from '@accord/protocol';
import { burnsNonce } from '@accord/ledger-core';
import { InjectClock, type Clock } from '@accord/service-kit';
import { BlockRepository, type StoredTx } from '../persistence/block.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { TxNotFoundError } from '../query/query.errors';
import { PendingEnvelopes } from './pending-envelopes';

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

/** While anyone waits, the tx index is checked this often (one query for every waiter). */
const POLL_MS = 25;
/** Upper bound of one long-poll. */
export const MAX_WAIT_MS = 60_000;

interface Waiter {
  readonly txId: string;
  /** Waits for exactly this envelope when set, else for any envelope with the txId. */
  readonly sig: string | undefined;
  readonly resolve: (found: boolean) => void;
}

/**
 * Tx status and long-polling. Committed txs come from the tx index; txs
 * submitted here but not yet in a block are remembered in memory as
 * pending. A txId names a body; several envelopes (signatures) may carry
 * it, so a status can be asked for one envelope (`sig`) or for the txId
 * (then the occurrence that took effect stands for it, see primaryOccurrence). Waiters are served by one shared poll of the tx index (one query
 * for all of them), run at once when the pipeline's CommitNotifier reports
 * a commit and every few ms otherwise.
 */
@Injectable()
export class TxStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new PendingEnvelopes();
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly blocks: BlockRepository,
    private readonly reads: LedgerReadRepository,
    private readonly notifier: CommitNotifier,
    @InjectClock() private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.notifier.subscribe((blocks) => {
      for (const block of blocks)
        block.txIds.forEach((txId, i) => {
          const sig = block.sigs[i];
          if (txId !== null && sig !== null) this.pending.forget(txId, sig);
        });
      this.wake();
    });
  }

  /** Remembers an envelope published to `channel` and not committed yet. */
  markPending(txId: string, sig: string, channel: string): void {
    this.pending.mark(txId, sig, channel, this.clock.now());
  }

  /** Forgets a pending envelope (its publish failed). */
  forgetPending(txId: string, sig: string): void {
    this.pending.forget(txId, sig);
  }

  /** The pending mark of an envelope submitted here (any with this txId when `sig` is not given), without asking the database. */
  pendingStatus(txId: string, sig?: string): TxStatus | undefined {
    const channel = this.pending.channelOf(txId, sig);
    return channel === undefined ? undefined : { txId, status: 'pending', channel };
  }

  /** The committed occurrence of a tx (of exactly this envelope when `sig` is given), or its pending mark, or undefined. */
  async status(txId: string, sig?: string): Promise<TxStatus | undefined> {
    const committed = await this.committed(txId, sig);
    return committed ?? this.pendingStatus(txId, sig);
  }

  /**
   * The status, waiting up to `waitMs` for the tx (the envelope with
   * signature `sig`, when given) to be committed. Throws TxNotFoundError
   * when it is neither committed nor pending here at the end of the wait.
   */
  async waitForStatus(txId: string, sig: string | undefined, waitMs: number): Promise<TxStatus> {
    const now = await this.status(txId, sig);
    if (now?.status === 'committed' || waitMs <= 0) return orNotFound(txId, now);
    await this.waitForCommit(txId, sig, Math.min(waitMs, MAX_WAIT_MS));
    return orNotFound(txId, await this.status(txId, sig));
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

  private async committed(txId: string, sig: string | undefined): Promise<TxStatus | undefined> {
    const occurrences = await this.blocks.findTx(txId);
    const found = primaryOccurrence(
      sig === undefined
        ? occurrences
        : occurrences.filter((t) => 'envelope' in t.entry && t.entry.envelope.sig === sig),
    );
    if (found === undefined || !('envelope' in found.entry)) return undefined;
    this.pending.forget(txId, found.entry.envelope.sig);
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

  private waitForCommit(txId: string, sig: string | undefined, waitMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => finish(false), waitMs);
      const waiter: Waiter = { txId, sig, resolve: (found) => finish(found) };
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
      const found = await this.reads.committedSignatures(ids);
      for (const waiter of waiting) {
        const sigs = found.get(waiter.txId);
        if (sigs !== undefined && (waiter.sig === undefined || sigs.has(waiter.sig))) waiter.resolve(true);
      }
    } catch {
      // A failed poll (database busy or closing) is retried on the next tick; waiters time out on their own.
    } finally {
      this.polling = false;
      this.schedule();
    }
  }
}

/**
 * The occurrence that stands for a txId, among those in its own channel (if
 * any): the one that took effect (it burned the nonce: `valid`,
 * `not_authorized`, `config_rejected`; at most one does), else the first
 * that is not a replay (a later copy is `replayed`), else the first. So a
 * forged copy committed before the member's own envelope does not stand
 * for the tx once the genuine one is committed.
 */
export function primaryOccurrence(occurrences: readonly StoredTx[]): StoredTx | undefined {
  const own = occurrences.filter((t) => 'envelope' in t.entry && t.entry.envelope.body.channel === t.channel);
  const pool = own.length > 0 ? own : occurrences;
  return pool.find((t) => burnsNonce(t.code)) ?? pool.find((t) => t.code !== 'replayed') ?? pool[0];
}

function orNotFound(txId: string, status: TxStatus | undefined): TxStatus {
  if (status === undefined) throw new TxNotFoundError(txId);
  return status;
}
