import { shareKey, type MissingShare } from './key-share.plan';

/** How long a published share is assumed on its way before it is tried again (a lost tx must not block it). */
export const SHARE_IN_FLIGHT_MS = 60_000;

/**
 * Shares published whose tx was not projected yet, so the next pass does
 * not publish them again while they are on their way. An entry goes when
 * the share is no longer missing (it was projected), or after
 * SHARE_IN_FLIGHT_MS (then it is published again; the projection keeps
 * the first of two shares of a (grant, record)). Memory only: after a
 * restart a share still in flight may be published twice, which is harmless.
 */
export class InFlightShares {
  private readonly sentAt = new Map<string, number>();

  /** Forgets shares no longer missing or sent too long ago, and answers the missing ones not in flight. */
  pending(missing: readonly MissingShare[], now: number): MissingShare[] {
    const stillMissing = new Set(missing.map(shareKey));
    for (const [key, at] of this.sentAt)
      if (!stillMissing.has(key) || now - at >= SHARE_IN_FLIGHT_MS) this.sentAt.delete(key);
    return missing.filter((share) => !this.sentAt.has(shareKey(share)));
  }

  claim(shares: readonly MissingShare[], now: number): void {
    for (const share of shares) this.sentAt.set(shareKey(share), now);
  }

  release(shares: readonly MissingShare[]): void {
    for (const share of shares) this.sentAt.delete(shareKey(share));
  }

  get size(): number {
    return this.sentAt.size;
  }
}
