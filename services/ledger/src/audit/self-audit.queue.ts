/** A job of the background self-audit: every channel's whole chain, or the new blocks of one channel. */
export type SelfAuditJob =
  | { readonly kind: 'full' }
  | { readonly kind: 'incremental'; readonly channel: string; readonly fromHeight: number; readonly toHeight: number };

interface Range {
  from: number;
  to: number;
}

/**
 * What the background self-audit does next. Committed heights collect into
 * one pending range per channel, so however many blocks commit while an
 * audit runs, the next incremental audit checks them together, once. A due
 * full audit goes first; the heights it reaches need no incremental audit.
 */
export class SelfAuditQueue {
  /** Per channel, the committed heights not audited yet (insertion order = oldest first). */
  private readonly pending = new Map<string, Range>();
  private fullDue = false;

  /** Block `height` of `channel` was committed. */
  committed(channel: string, height: number): void {
    const range = this.pending.get(channel);
    if (range === undefined) this.pending.set(channel, { from: height, to: height });
    else {
      range.from = Math.min(range.from, height);
      range.to = Math.max(range.to, height);
    }
  }

  requestFull(): void {
    this.fullDue = true;
  }

  /** A full audit re-verified `channel` from genesis through `height`. */
  covered(channel: string, height: number): void {
    const range = this.pending.get(channel);
    if (range === undefined || range.from > height) return;
    if (range.to <= height) this.pending.delete(channel);
    else range.from = height + 1;
  }

  get hasWork(): boolean {
    return this.fullDue || this.pending.size > 0;
  }

  /** Takes the next job off the queue, or undefined when there is nothing to do. */
  next(): SelfAuditJob | undefined {
    if (this.fullDue) {
      this.fullDue = false;
      return { kind: 'full' };
    }
    for (const [channel, range] of this.pending) {
      this.pending.delete(channel);
      return { kind: 'incremental', channel, fromHeight: range.from, toHeight: range.to };
    }
    return undefined;
  }
}
