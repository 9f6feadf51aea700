import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { RecentEnvelopesWindow } from './recent-envelopes.window';
import { TxIndexBatcher } from './tx-index.batcher';
import { TxStatusService } from './tx-status.service';

/** What is known of an envelope: submitted here and not committed yet, or committed. */
export type KnownEnvelope = 'pending' | 'committed';

/** An envelope by its txId (the body) and signature. */
export interface EnvelopeRef {
  readonly txId: string;
  readonly sig: string;
}

/**
 * Finds which submitted envelopes are duplicates (the same txId and
 * signature as one submitted or committed before) at the least cost: first
 * from memory — the envelopes submitted here and still pending, and a window
 * of the most recently committed ones — then, for the rest, from the tx
 * index in ONE query shared by every submission running at the time
 * (TxIndexBatcher), instead of one query per envelope.
 */
@Injectable()
export class DuplicateFinder implements OnModuleInit, OnModuleDestroy {
  private readonly recent = new RecentEnvelopesWindow();
  private readonly index: TxIndexBatcher;
  private unsubscribe: (() => void) | undefined;

  constructor(
    reads: LedgerReadRepository,
    private readonly notifier: CommitNotifier,
    private readonly txs: TxStatusService,
  ) {
    this.index = new TxIndexBatcher((txIds) => reads.committedSignatures(txIds));
  }

  onModuleInit(): void {
    this.unsubscribe = this.notifier.subscribe((blocks) => {
      for (const block of blocks)
        block.txIds.forEach((txId, i) => {
          const sig = block.sigs[i];
          if (txId !== null && sig !== null) this.recent.add(txId, sig, block.channel);
        });
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** For each envelope, in order: what is known of it, or undefined for one never seen (to be published). */
  async find(envelopes: readonly EnvelopeRef[]): Promise<(KnownEnvelope | undefined)[]> {
    const known = envelopes.map(({ txId, sig }): KnownEnvelope | undefined => {
      if (this.txs.pendingStatus(txId, sig) !== undefined) return 'pending';
      return this.recent.channelOf(txId, sig) === undefined ? undefined : 'committed';
    });
    const misses = envelopes.filter((_, i) => known[i] === undefined);
    if (misses.length === 0) return known;
    const committed = await this.index.committedSignatures(misses.map((e) => e.txId));
    return known.map(
      (k, i) => k ?? (committed.get(envelopes[i].txId)?.has(envelopes[i].sig) ? 'committed' : undefined),
    );
  }
}
