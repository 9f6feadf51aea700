import { SelfAuditQueue } from './self-audit.queue';

describe('SelfAuditQueue', () => {
  it('Given blocks committed on two channels, Then one incremental job per channel covers exactly its new heights, oldest channel first', () => {
    const queue = new SelfAuditQueue();
    queue.committed('health', 4);
    queue.committed('transport', 0);
    queue.committed('health', 5);
    queue.committed('health', 6);
    expect(queue.next()).toEqual({ kind: 'incremental', channel: 'health', fromHeight: 4, toHeight: 6 });
    expect(queue.next()).toEqual({ kind: 'incremental', channel: 'transport', fromHeight: 0, toHeight: 0 });
    expect(queue.next()).toBeUndefined();
    expect(queue.hasWork).toBe(false);
  });

  it('Given heights taken for an audit, When more commit meanwhile, Then only the new ones are queued', () => {
    const queue = new SelfAuditQueue();
    queue.committed('health', 1);
    expect(queue.next()).toMatchObject({ fromHeight: 1, toHeight: 1 });
    queue.committed('health', 2);
    queue.committed('health', 3);
    expect(queue.next()).toMatchObject({ channel: 'health', fromHeight: 2, toHeight: 3 });
  });

  it('Given a full audit is due, Then it goes first, once, and the heights it covered leave the incremental queue', () => {
    const queue = new SelfAuditQueue();
    queue.committed('health', 3);
    queue.committed('health', 9);
    queue.committed('transport', 2);
    queue.requestFull();
    queue.requestFull();
    expect(queue.hasWork).toBe(true);
    expect(queue.next()).toEqual({ kind: 'full' });
    queue.covered('health', 6);
    queue.covered('transport', 2);
    queue.covered('finance', 10);
    expect(queue.next()).toEqual({ kind: 'incremental', channel: 'health', fromHeight: 7, toHeight: 9 });
    expect(queue.next()).toBeUndefined();
  });

  it('keeps a pending range that a full audit did not reach', () => {
    const queue = new SelfAuditQueue();
    queue.committed('health', 5);
    queue.covered('health', 4);
    expect(queue.next()).toEqual({ kind: 'incremental', channel: 'health', fromHeight: 5, toHeight: 5 });
  });
});
