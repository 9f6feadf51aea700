import fc from 'fast-check';
import { TokenBucket, type Pacing } from './token-bucket';

/** Pacing on a fake clock: every sleep is recorded and moves the clock on by exactly its length. */
function fakePacing(): Pacing & { readonly sleeps: number[]; advance(ms: number): void; readonly time: () => number } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    time: () => now,
    advance: (ms) => void (now += ms),
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('lets a burst of its capacity through without waiting', async () => {
    const pacing = fakePacing();
    const bucket = new TokenBucket(1000, 4000, pacing);
    await bucket.take(4000);
    expect(pacing.sleeps).toEqual([]);
  });

  it('waits exactly as long as a take overdraws the budget', async () => {
    const pacing = fakePacing();
    const bucket = new TokenBucket(1000, 1000, pacing);
    await bucket.take(1000);
    await bucket.take(500);
    expect(pacing.sleeps).toEqual([500]);
    await bucket.take(3000); // larger than the capacity: debt paid back in one sleep
    expect(pacing.sleeps).toEqual([500, 3000]);
  });

  it('refills with elapsed time, never beyond its capacity', async () => {
    const pacing = fakePacing();
    const bucket = new TokenBucket(1000, 1000, pacing);
    await bucket.take(1000);
    pacing.advance(60_000);
    await bucket.take(1000);
    expect(pacing.sleeps).toEqual([]);
    await bucket.take(1);
    expect(pacing.sleeps).toEqual([1]);
  });

  it('gives up its wait when the signal aborts', async () => {
    const bucket = new TokenBucket(1000, 1000);
    const stop = new AbortController();
    await bucket.take(1000);
    const waiting = bucket.take(1_000_000, stop.signal);
    stop.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });

  it('never lets more than capacity + rate × elapsed through, whatever the takes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.record({ bytes: fc.integer({ min: 0, max: 300_000 }), idleMs: fc.nat(2000) }), { maxLength: 40 }),
        async (rate, capacity, takes) => {
          const pacing = fakePacing();
          const bucket = new TokenBucket(rate, capacity, pacing);
          let taken = 0;
          for (const { bytes, idleMs } of takes) {
            pacing.advance(idleMs);
            await bucket.take(bytes);
            taken += bytes;
            expect(taken).toBeLessThanOrEqual(capacity + (rate * pacing.time()) / 1000 + 1e-6);
          }
        },
      ),
    );
  });

  it('refuses a rate or capacity that is not positive', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});
