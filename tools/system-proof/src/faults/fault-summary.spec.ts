import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultSummary } from './fault-summary';

describe('FaultSummary', () => {
  it('counts each fault kind, its recoveries and the min / median / max of each figure', () => {
    const summary = new FaultSummary(9, 'test');
    summary.add({ kind: 'kafka-restart', recovered: true, figures: { firstCommitMs: 300 } });
    summary.add({ kind: 'kafka-restart', recovered: true, figures: { firstCommitMs: 100 } });
    summary.add({ kind: 'kafka-restart', recovered: false, figures: { firstCommitMs: 900 }, error: 'lost tx' });
    summary.add({ kind: 'postgres-restart', recovered: true, figures: {} });
    const json = summary.toJSON();
    expect(json.seed).toBe(9);
    expect(json.replay).toBe('ACCORD_FAULT_SEED=9');
    expect(json.faults['kafka-restart']).toEqual({
      count: 3,
      recoveriesOk: 2,
      errors: ['lost tx'],
      figures: { firstCommitMs: { n: 3, min: 100, median: 300, max: 900, values: [300, 100, 900] } },
    });
    expect(json.faults['postgres-restart']).toMatchObject({ count: 1, recoveriesOk: 1 });
  });

  it('writes the summary and keeps the fault kinds another spec wrote to the same file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faults-summary-'));
    try {
      const path = join(dir, 'out', 'faults.json');
      await new FaultSummary(1, 'a').write(path);
      await writeFile(
        path,
        JSON.stringify({ faults: { 'embedded-log-full': { count: 2 }, 'kafka-restart': { count: 7 } } }),
      );
      const mine = new FaultSummary(2, 'b');
      mine.add({ kind: 'kafka-restart', recovered: true, figures: {} });
      await mine.write(path);
      const written = JSON.parse(await readFile(path, 'utf8'));
      expect(written.seed).toBe(2);
      expect(written.faults['embedded-log-full']).toEqual({ count: 2 });
      expect(written.faults['kafka-restart'].count).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
