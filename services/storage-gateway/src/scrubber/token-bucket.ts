/** Waits `ms` milliseconds, or rejects with the signal's reason once it aborts. */
export type Sleeper = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What a token bucket needs from the outside: elapsed time (ms, monotonic) and a way to wait. */
export interface Pacing {
  readonly now: () => number;
  readonly sleep: Sleeper;
}

/** The process's monotonic clock and timers: what the scrubber paces itself with outside tests. */
export const realPacing: Pacing = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A read budget of `ratePerSecond` bytes per second with a burst of
 * `capacity` bytes. A take larger than what is left runs the bucket into
 * debt and sleeps until the debt is paid back, so a reader that takes
 * before every read it passes on never exceeds, at any moment after a take
 * returns, `capacity + ratePerSecond * elapsed` bytes in total, whatever
 * the size of its reads (a 64 KiB segment or a whole piece).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    private readonly pacing: Pacing = realPacing,
  ) {
    if (!(ratePerSecond > 0) || !(capacity > 0))
      throw new RangeError(`a token bucket needs a positive rate and capacity, got ${ratePerSecond}/${capacity}`);
    this.tokens = capacity;
    this.last = pacing.now();
  }

  /** Takes `bytes` from the budget, waiting as long as they overdraw it; rejects when `signal` aborts. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (bytes <= 0) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    await this.pacing.sleep(Math.ceil((-this.tokens / this.ratePerSecond) * 1000), signal);
    this.refill();
  }

  private refill(): void {
    const now = this.pacing.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
