/**
 * The closed-loop client of the system load benchmark: `workers` loops,
 * each starting its next operation as soon as its last one ended, until
 * the deadline; the operations in flight at the deadline are let finish
 * (an operation includes waiting for its tx's commit, so the load offered
 * follows what the network absorbs). Every operation's duration and
 * outcome is recorded; failures are counted, not thrown.
 */
import type { OperationName } from '@accord/system-proof';
import type { LoadMix } from './system-load-mix';
import type { LoadOperations } from './system-load-operations';

export interface OperationRecord {
  readonly name: OperationName;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly ms: number;
  readonly ok: boolean;
  readonly bytes: number;
  readonly error?: string;
}

export interface DriverRun {
  readonly startedAt: number;
  /** When the deadline passed, and when the last operation in flight ended. */
  readonly deadlineAt: number;
  readonly endedAt: number;
  readonly records: readonly OperationRecord[];
}

/** One worker per entry of `workers` (the operations it runs through), for `seconds`. */
export async function runClosedLoop(
  mix: LoadMix,
  workers: readonly LoadOperations[],
  seconds: number,
): Promise<DriverRun> {
  const startedAt = Date.now();
  const deadlineAt = startedAt + seconds * 1000;
  const records: OperationRecord[] = [];
  const worker = async (ops: LoadOperations): Promise<void> => {
    while (Date.now() < deadlineAt) {
      const op = mix.next(ops);
      const start = Date.now();
      try {
        await op.run();
        records.push({ name: op.name, startedAt: start, ms: Date.now() - start, ok: true, bytes: op.bytes });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        records.push({ name: op.name, startedAt: start, ms: Date.now() - start, ok: false, bytes: 0, error: message });
      }
    }
  };
  await Promise.all(workers.map(worker));
  return { startedAt, deadlineAt, endedAt: Date.now(), records };
}
