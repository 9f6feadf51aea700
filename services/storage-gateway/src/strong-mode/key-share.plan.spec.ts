import fc from 'fast-check';
import { MAX_KEYS_PER_SHARE_TX, planKeyShares, shareKey, type MissingShare } from './key-share.plan';

const share = (grant: number, record: number): MissingShare => ({
  channel: 'alliance',
  dataset: `dept-a/set${grant % 2}`,
  grantId: `grant-${grant}`,
  requester: `dept-${grant}`,
  recordTxId: `record-${record}`,
  wrappedKey: `kek-wrapped-${record}`,
});

describe('planning strong.keyshare txs', () => {
  it('puts at most 64 keys of one grant in a tx, in the order given', () => {
    const missing = Array.from({ length: 130 }, (_, i) => share(1, i));
    const batches = planKeyShares(missing);
    expect(batches.map((b) => b.shares.length)).toEqual([64, 64, 2]);
    expect(batches.flatMap((b) => b.shares)).toEqual(missing);
    expect(batches[0]).toMatchObject({ grantId: 'grant-1', requester: 'dept-1', dataset: 'dept-a/set1' });
    expect(MAX_KEYS_PER_SHARE_TX).toBe(64);
  });

  it('plans nothing when nothing is missing', () => {
    expect(planKeyShares([])).toEqual([]);
  });

  it('covers every missing share exactly once, each batch one grant and within the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(4), fc.nat(500)), { maxLength: 300 }),
        fc.integer({ min: 1, max: 70 }),
        (pairs, max) => {
          const missing = [...new Map(pairs.map(([g, r]) => [`${g}:${r}`, share(g, r)])).values()];
          const batches = planKeyShares(missing, max);
          const planned = batches.flatMap((b) => b.shares);
          expect(planned.map(shareKey).sort()).toEqual(missing.map(shareKey).sort());
          for (const batch of batches) {
            expect(batch.shares.length).toBeGreaterThan(0);
            expect(batch.shares.length).toBeLessThanOrEqual(max);
            for (const s of batch.shares)
              expect(s).toMatchObject({ grantId: batch.grantId, requester: batch.requester });
          }
          // Within a grant, the records keep their order.
          for (const grant of new Set(missing.map((s) => s.grantId)))
            expect(planned.filter((s) => s.grantId === grant)).toEqual(missing.filter((s) => s.grantId === grant));
        },
      ),
    );
  });
});
