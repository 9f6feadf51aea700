import { CutMarkerTimer } from './cut-marker.timer';

const open = (height: number) => ({ height, firstOffset: 0, lastOffset: 0, txCount: 1, bytes: 10 });

describe('CutMarkerTimer', () => {
  it('asks once per height after batchTimeoutMs from when the block opened, only at the end of the log', () => {
    const t = new CutMarkerTimer();
    expect(t.due(0, 100, true)).toBeUndefined();
    t.observe(open(3), 1000);
    t.observe(open(3), 1050); // more txs in the same block: the clock keeps running from its opening
    expect(t.due(1099, 100, true)).toBeUndefined();
    expect(t.due(1100, 100, false)).toBeUndefined(); // catching up
    expect(t.due(1100, 100, true)).toBe(3);
    t.requestedFor(3);
    expect(t.due(5000, 100, true)).toBeUndefined();
    t.observe(open(4), 5000);
    expect(t.due(5099, 100, true)).toBeUndefined();
    expect(t.due(5100, 100, true)).toBe(4);
  });

  it('allows another request after a failed publish, and forgets a block that closed', () => {
    const t = new CutMarkerTimer();
    t.observe(open(1), 0);
    t.requestedFor(1);
    expect(t.due(500, 100, true)).toBeUndefined();
    t.failed(1);
    expect(t.due(500, 100, true)).toBe(1);
    t.observe(null, 600);
    expect(t.due(10_000, 100, true)).toBeUndefined();
  });

  it('tells how long until a cut falls due, so a waiting read wakes in time', () => {
    const t = new CutMarkerTimer();
    expect(t.msUntilDue(0, 100)).toBe(Infinity); // nothing open: wait for news
    t.observe(open(2), 1000);
    expect(t.msUntilDue(1000, 100)).toBe(100);
    expect(t.msUntilDue(1070, 100)).toBe(30);
    expect(t.msUntilDue(1500, 100)).toBe(0);
    t.requestedFor(2);
    expect(t.msUntilDue(1500, 100)).toBe(Infinity); // asked: the marker arriving on the log wakes the read
    t.failed(2);
    expect(t.msUntilDue(1500, 100)).toBe(0);
    t.observe(null, 1600);
    expect(t.msUntilDue(1600, 100)).toBe(Infinity);
  });
});
