import { TxIndexBatcher } from './tx-index.batcher';

/** An index of committed signatures by txId that records every lookup and answers when released. */
class RecordingIndex {
  readonly lookups: string[][] = [];
  private readonly releases: (() => void)[] = [];
  fail = false;

  constructor(private readonly committed: Record<string, string[]>) {}

  readonly lookup = (txIds: readonly string[]): Promise<Map<string, Set<string>>> => {
    this.lookups.push([...txIds]);
    return new Promise((resolve, reject) =>
      this.releases.push(() => {
        if (this.fail) reject(new Error('database down'));
        else
          resolve(new Map(txIds.filter((id) => id in this.committed).map((id) => [id, new Set(this.committed[id])])));
      }),
    );
  };

  release(): void {
    this.releases.splice(0).forEach((r) => r());
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TxIndexBatcher', () => {
  it('answers the lookups of one turn of the event loop with one query', async () => {
    const index = new RecordingIndex({ t1: ['s1'] });
    const batcher = new TxIndexBatcher(index.lookup);
    const answers = Promise.all([batcher.committedSignatures(['t1', 't2']), batcher.committedSignatures(['t2', 't3'])]);
    await tick();
    index.release();
    const [first, second] = await answers;
    expect(index.lookups).toEqual([['t1', 't2', 't3']]);
    expect(first.get('t1')).toEqual(new Set(['s1']));
    expect(second.has('t3')).toBe(false);
  });

  it('holds the lookups made while a query runs for the next query, one query at a time', async () => {
    const index = new RecordingIndex({ t4: ['s4'] });
    const batcher = new TxIndexBatcher(index.lookup);
    const early = batcher.committedSignatures(['t1']);
    await tick();
    const late = [batcher.committedSignatures(['t4']), batcher.committedSignatures(['t5'])];
    await tick();
    expect(index.lookups).toEqual([['t1']]);
    index.release();
    await early;
    await tick();
    expect(index.lookups).toEqual([['t1'], ['t4', 't5']]);
    index.release();
    expect((await late[0]).get('t4')).toEqual(new Set(['s4']));
  });

  it('fails every lookup of a failed query, and the next query runs all the same', async () => {
    const index = new RecordingIndex({});
    const batcher = new TxIndexBatcher(index.lookup);
    index.fail = true;
    const failed = Promise.allSettled([batcher.committedSignatures(['a']), batcher.committedSignatures(['b'])]);
    await tick();
    index.release();
    expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    index.fail = false;
    const next = batcher.committedSignatures(['c']);
    await tick();
    index.release();
    expect((await next).size).toBe(0);
  });

  it('asks nothing for no txIds', async () => {
    const index = new RecordingIndex({});
    expect((await new TxIndexBatcher(index.lookup).committedSignatures([])).size).toBe(0);
    expect(index.lookups).toEqual([]);
  });
});
