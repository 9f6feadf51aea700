import { InFlightShares, SHARE_IN_FLIGHT_MS } from './in-flight-shares';
import type { MissingShare } from './key-share.plan';

const share = (record: string, grantId = 'g1'): MissingShare => ({
  channel: 'alliance',
  dataset: 'dept-a/residents',
  grantId,
  requester: 'dept-b',
  recordTxId: record,
  wrappedKey: 'kek-wrapped',
});

describe('shares in flight', () => {
  it('holds back a share while its tx is on its way', () => {
    const inFlight = new InFlightShares();
    const [r1, r2] = [share('r1'), share('r2')];
    inFlight.claim([r1], 0);
    expect(inFlight.pending([r1, r2], 10)).toEqual([r2]);
    // Another grant of the same record is another share.
    expect(inFlight.pending([share('r1', 'g2')], 10)).toEqual([share('r1', 'g2')]);
  });

  it('forgets a share once it is no longer missing (its tx was projected)', () => {
    const inFlight = new InFlightShares();
    inFlight.claim([share('r1')], 0);
    expect(inFlight.pending([], 10)).toEqual([]);
    expect(inFlight.size).toBe(0);
    // Should it ever be missing again, it is shared again.
    expect(inFlight.pending([share('r1')], 20)).toEqual([share('r1')]);
  });

  it('tries a share again once it was in flight for SHARE_IN_FLIGHT_MS (a lost tx)', () => {
    const inFlight = new InFlightShares();
    inFlight.claim([share('r1')], 1000);
    expect(inFlight.pending([share('r1')], 1000 + SHARE_IN_FLIGHT_MS - 1)).toEqual([]);
    expect(inFlight.pending([share('r1')], 1000 + SHARE_IN_FLIGHT_MS)).toEqual([share('r1')]);
  });

  it('releases shares whose tx could not be published', () => {
    const inFlight = new InFlightShares();
    inFlight.claim([share('r1'), share('r2')], 0);
    inFlight.release([share('r1')]);
    expect(inFlight.pending([share('r1'), share('r2')], 1)).toEqual([share('r1')]);
  });
});
