import { Injectable } from '@nestjs/common';

/** What a committed block means for waiters (e.g. submission long-polls, finality). */
export interface CommittedBlockNotice {
  readonly channel: string;
  readonly height: number;
  readonly hash: string;
  /** txIds of the block's entries (null for raw entries). */
  readonly txIds: readonly (string | null)[];
  /** Signatures of the block's envelopes, by entry (null for raw entries). */
  readonly sigs: readonly (string | null)[];
}

export type CommitListener = (blocks: readonly CommittedBlockNotice[]) => void;

/**
 * In-process notice of blocks this ledger made durable, in commit order,
 * right after their transaction committed (before events are published).
 * Listeners must not throw or block; a throwing listener is ignored.
 */
@Injectable()
export class CommitNotifier {
  private readonly listeners = new Set<CommitListener>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(blocks: readonly CommittedBlockNotice[]): void {
    if (blocks.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(blocks);
      } catch {
        // A waiter's bug must not stop the pipeline.
      }
    }
  }
}
