import type { ServiceLogger } from '@accord/service-kit';
import { Subject } from 'rxjs';
import { BackgroundJob } from './background-job';

const warnings: unknown[] = [];
const silent = { pino: { warn: (fields: unknown) => warnings.push(fields) } } as unknown as ServiceLogger;

/** A job whose runs wait for the test to release them. */
function gatedJob() {
  const runs: { release: () => void }[] = [];
  const job = new BackgroundJob(
    'test',
    () => new Promise<void>((resolve) => runs.push({ release: resolve })),
    3_600_000,
    silent,
  );
  return { job, runs };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('background job', () => {
  it('runs at start and on each trigger, never two runs at once, one more run for triggers during a run', async () => {
    const { job, runs } = gatedJob();
    const triggers = new Subject<void>();
    job.start(triggers);
    expect(runs).toHaveLength(1);
    triggers.next();
    triggers.next();
    await tick();
    expect(runs).toHaveLength(1);
    runs[0]?.release();
    await tick();
    await tick();
    // The two triggers during the first run ask for one more run, not two.
    expect(runs).toHaveLength(2);
    runs[1]?.release();
    await tick();
    expect(runs).toHaveLength(2);
    await job.stop();
    triggers.next();
    expect(runs).toHaveLength(2);
  });

  it('keeps going after a failed run', async () => {
    let calls = 0;
    const job = new BackgroundJob(
      'failing',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
      },
      3_600_000,
      silent,
    );
    await job.runNow();
    await job.runNow();
    expect(calls).toBe(2);
    expect(warnings).toEqual([expect.objectContaining({ job: 'failing' })]);
    await job.stop();
  });
});
