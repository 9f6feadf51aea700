import { GroupCommitQueue } from './group-commit.queue';

/** A commit function whose calls the test finishes by hand. */
class Commits {
  readonly groups: number[][] = [];
  private readonly settle: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  readonly commit = (group: readonly number[]): Promise<void> => {
    this.groups.push([...group]);
    return new Promise((resolve, reject) => this.settle.push({ resolve, reject }));
  };

  /** Finishes the oldest unfinished commit, then lets the queue react. */
  async finish(error?: unknown): Promise<void> {
    const next = this.settle.shift();
    if (next === undefined) throw new Error('no commit in flight');
    if (error === undefined) next.resolve();
    else next.reject(error);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function queueOf(
  commits: Commits,
  groupSize = 3,
  maxPending = 6,
): { queue: GroupCommitQueue<number>; counts: number[] } {
  const counts: number[] = [];
  const queue = new GroupCommitQueue<number>(commits.commit, { groupSize, maxPending }, (n) => counts.push(n));
  return { queue, counts };
}

describe('GroupCommitQueue', () => {
  it('commits nothing until kicked, then the oldest groupSize items, one commit at a time, in push order', async () => {
    const commits = new Commits();
    const { queue, counts } = queueOf(commits);
    for (let i = 1; i <= 7; i++) queue.push(i);
    expect(commits.groups).toEqual([]);

    queue.kick();
    expect(commits.groups).toEqual([[1, 2, 3]]);
    queue.push(8);
    queue.kick();
    expect(commits.groups).toHaveLength(1);

    await commits.finish();
    expect(commits.groups).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await commits.finish();
    await commits.finish();
    expect(commits.groups).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    await queue.drain();
    // At each kick and each finished commit (before the next group starts): the items waiting.
    expect(counts).toEqual([7, 5, 5, 2, 0]);
  });

  it('makes the producer wait for the commit in flight once maxPending items wait', async () => {
    const commits = new Commits();
    const { queue } = queueOf(commits, 2, 3);
    expect(await queue.waitWhileFull()).toBe(false);
    for (let i = 1; i <= 5; i++) queue.push(i);
    queue.kick();
    // 3 wait while [1, 2] commits.
    let waited: boolean | undefined;
    const waiting = queue.waitWhileFull().then((w) => (waited = w));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toBeUndefined();
    await commits.finish();
    await waiting;
    expect(waited).toBe(true);
    // One waits now ([3, 4] in flight): below the limit.
    expect(await queue.waitWhileFull()).toBe(false);
  });

  it('does not wait when items pile up without a commit in flight (nothing kicked yet)', async () => {
    const commits = new Commits();
    const { queue } = queueOf(commits, 2, 2);
    for (let i = 1; i <= 4; i++) queue.push(i);
    expect(await queue.waitWhileFull()).toBe(false);
  });

  it('stops after a failed commit: it reports the error, starts no other commit and keeps the waiting items', async () => {
    const commits = new Commits();
    const { queue, counts } = queueOf(commits, 2);
    for (let i = 1; i <= 5; i++) queue.push(i);
    queue.kick();
    queue.throwIfFailed();
    const failure = new Error('database gone');
    await commits.finish(failure);

    expect(queue.failure).toBe(failure);
    expect(() => queue.throwIfFailed()).toThrow(failure);
    queue.kick();
    expect(commits.groups).toEqual([[1, 2]]);
    expect(counts).toEqual([5, 3, 3]);
    await queue.drain();
  });

  it('drain() returns once the commit in flight and those it chains are done', async () => {
    const commits = new Commits();
    const { queue } = queueOf(commits, 1);
    queue.push(1);
    queue.push(2);
    queue.kick();
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    await commits.finish();
    expect(drained).toBe(false);
    await commits.finish();
    await draining;
    expect(drained).toBe(true);
    expect(commits.groups).toEqual([[1], [2]]);
  });
});
