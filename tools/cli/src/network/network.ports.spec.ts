import { highestPort, overlapsRange } from './network.ports';
import { randomBasePort } from './testing/network.fixture';

const LINUX_DEFAULT = { low: 32768, high: 60999 };

describe('the ports of a local network and the ephemeral port range', () => {
  it('a network overlaps the range exactly when one of its ports lies in it', () => {
    expect(overlapsRange(7100, 3, LINUX_DEFAULT)).toBe(false);
    expect(overlapsRange(31000, 99, LINUX_DEFAULT)).toBe(false);
    // 32000 + 10·(99+1) - 10 + 3 = 32993: the last slot reaches into the range.
    expect(highestPort(32000, 99)).toBe(32993);
    expect(overlapsRange(32000, 99, LINUX_DEFAULT)).toBe(true);
    expect(overlapsRange(32000, 3, LINUX_DEFAULT)).toBe(false);
    expect(overlapsRange(53000, 3, LINUX_DEFAULT)).toBe(true);
    expect(overlapsRange(61000, 3, LINUX_DEFAULT)).toBe(false);
  });

  it.each([LINUX_DEFAULT, { low: 20000, high: 30000 }])(
    'test networks take a base below the range, on a multiple of 1000 (%o)',
    (range) => {
      const bases = new Set(Array.from({ length: 500 }, () => randomBasePort(range)));
      for (const base of bases) {
        expect(base % 1000).toBe(0);
        expect(base).toBeGreaterThanOrEqual(10_000);
        expect(overlapsRange(base, 99, range)).toBe(false);
      }
      // Spread over the whole room below the range, not one base (which parallel tests would share).
      expect(bases.size).toBe((range.low - 1000 - (range.low % 1000) - 10_000) / 1000 + 1);
    },
  );
});
