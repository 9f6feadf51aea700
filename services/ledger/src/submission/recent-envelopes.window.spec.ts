import { RecentEnvelopesWindow } from './recent-envelopes.window';

describe('RecentEnvelopesWindow', () => {
  it('knows an envelope by txId and signature, not by txId alone', () => {
    const window = new RecentEnvelopesWindow(10);
    window.add('t1', 's1', 'ch');
    expect(window.channelOf('t1', 's1')).toBe('ch');
    expect(window.channelOf('t1', 's2')).toBeUndefined();
  });

  it('forgets the oldest envelopes beyond its capacity; adding one again makes it the newest', () => {
    const window = new RecentEnvelopesWindow(2);
    window.add('t1', 's', 'ch');
    window.add('t2', 's', 'ch');
    window.add('t1', 's', 'ch');
    window.add('t3', 's', 'ch');
    expect(window.size).toBe(2);
    expect(window.channelOf('t2', 's')).toBeUndefined();
    expect(window.channelOf('t1', 's')).toBe('ch');
    expect(window.channelOf('t3', 's')).toBe('ch');
  });
});
