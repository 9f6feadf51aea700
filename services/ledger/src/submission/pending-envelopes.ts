/** Pending marks are forgotten after this long (the tx may never reach a block, e.g. a lost publish). */
const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 100_000;

interface PendingMark {
  readonly channel: string;
  /** Signatures of the envelopes with this txId published here. */
  readonly sigs: Set<string>;
  /** When the newest of them was published. */
  readonly since: number;
}

/**
 * Envelopes published here and not seen committed yet, by txId and
 * signature: one body (one txId) may be submitted with several signatures
 * (a forgery, then the member's own; a re-signature after a key rotation),
 * and each is its own envelope. Oldest txIds are forgotten first.
 */
export class PendingEnvelopes {
  private readonly byTxId = new Map<string, PendingMark>();

  mark(txId: string, sig: string, channel: string, now: number): void {
    this.prune(now);
    const sigs = new Set(this.byTxId.get(txId)?.sigs ?? []);
    sigs.add(sig);
    // Re-inserted, so the map stays ordered by the newest mark.
    this.byTxId.delete(txId);
    this.byTxId.set(txId, { channel, sigs, since: now });
  }

  forget(txId: string, sig: string): void {
    const mark = this.byTxId.get(txId);
    if (mark === undefined) return;
    mark.sigs.delete(sig);
    if (mark.sigs.size === 0) this.byTxId.delete(txId);
  }

  /** The channel of a pending envelope with this txId (and this signature, when given). */
  channelOf(txId: string, sig?: string): string | undefined {
    const mark = this.byTxId.get(txId);
    if (mark === undefined || (sig !== undefined && !mark.sigs.has(sig))) return undefined;
    return mark.channel;
  }

  private prune(now: number): void {
    for (const [txId, mark] of this.byTxId) {
      if (now - mark.since < PENDING_TTL_MS && this.byTxId.size < MAX_PENDING) break;
      this.byTxId.delete(txId);
    }
  }
}
