/** Envelopes remembered by default: a few minutes of commits at thousands of tx/s, ~100 bytes each. */
export const DEFAULT_RECENT_ENVELOPES = 200_000;

/**
 * The envelopes (txId and signature) committed most recently, by channel,
 * bounded in number (the oldest are forgotten first). A resubmission of one
 * of them is a duplicate found without asking the tx index; one that is not
 * here may still be committed, so a miss is no answer (the index is).
 */
export class RecentEnvelopesWindow {
  private readonly channels = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_RECENT_ENVELOPES) {}

  add(txId: string, sig: string, channel: string): void {
    const key = envelopeKey(txId, sig);
    this.channels.delete(key);
    this.channels.set(key, channel);
    if (this.channels.size > this.capacity) {
      const oldest = this.channels.keys().next();
      if (oldest.done !== true) this.channels.delete(oldest.value);
    }
  }

  /** The channel of a recently committed envelope, or undefined. */
  channelOf(txId: string, sig: string): string | undefined {
    return this.channels.get(envelopeKey(txId, sig));
  }

  get size(): number {
    return this.channels.size;
  }
}

/** One envelope: its txId (the body) and its signature. */
export function envelopeKey(txId: string, sig: string): string {
  return `${txId}:${sig}`;
}
