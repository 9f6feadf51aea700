import type { OpenBlockInfo } from '@accord/ledger-core';

/**
 * Decides when this replica asks for its open block to be cut (docs/ledger.md
 * "Block cutting"): once the block has been open for `batchTimeoutMs` of
 * local time, counted from when this replica read its first record (as
 * Fabric's BatchTimeout, so a slow trickle of txs cannot hold a block open
 * indefinitely), and only while the replica is at the end of the log (a
 * replica catching up would ask for heights the others closed long ago).
 * At most one request per height; a failed publish may be retried. The log
 * decides the effect, so this timer cannot make replicas diverge.
 */
export class CutMarkerTimer {
  private height: number | null = null;
  private openedAt = 0;
  private requested: number | null = null;

  /** Tells the timer what is open now (after feeding a batch), at local time `now`. */
  observe(open: OpenBlockInfo | null, now: number): void {
    if (open === null) {
      this.height = null;
      return;
    }
    if (open.height !== this.height) {
      this.height = open.height;
      this.openedAt = now;
    }
  }

  /** The height to request a cut for now, if any. */
  due(now: number, batchTimeoutMs: number, atEndOfLog: boolean): number | undefined {
    if (this.height === null || !atEndOfLog || this.requested === this.height) return undefined;
    return now - this.openedAt >= batchTimeoutMs ? this.height : undefined;
  }

  /**
   * Milliseconds from `now` until a cut is due (0 when due now), Infinity
   * when none will be without news: nothing open, or its cut requested.
   * Bounds how long the runner may wait for the next record. Whether the
   * replica is at the end of the log is left out: waiting less is harmless.
   */
  msUntilDue(now: number, batchTimeoutMs: number): number {
    if (this.height === null || this.requested === this.height) return Infinity;
    return Math.max(0, this.openedAt + batchTimeoutMs - now);
  }

  /** A cut for `height` was requested (do not ask again). */
  requestedFor(height: number): void {
    this.requested = height;
  }

  /** Publishing the request failed: allow another attempt for that height. */
  failed(height: number): void {
    if (this.requested === height) this.requested = null;
  }
}
