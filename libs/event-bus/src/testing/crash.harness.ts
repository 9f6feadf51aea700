import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { applyValue, INITIAL_STATE, type CrashConsumerArgs, type CrashConsumerState } from './crash-scenario.model';
import { waitFor } from './wait-for';

const SWC_REGISTER = join(__dirname, 'swc-register.js');

export interface ChildRun {
  readonly child: ChildProcess;
  /** Exit code, or the signal name if killed. */
  readonly exited: Promise<number | string>;
  readonly stderr: () => string;
}

/** Starts `node --require swc-register.js <script> '<args json>'` (TypeScript run directly; a relative script is one of this folder's). */
export function spawnChild(script: string, args: object): ChildRun {
  const path = isAbsolute(script) ? script : join(__dirname, script);
  const child = spawn(process.execPath, ['--require', SWC_REGISTER, path, JSON.stringify(args)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, exited, stderr: () => stderr };
}

export function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

export async function killHard(run: ChildRun): Promise<void> {
  run.child.kill('SIGKILL');
  expect(await run.exited).toBe('SIGKILL');
}

/**
 * The consumer kill-and-restart scenario, for any adapter: the consumer child
 * is SIGKILLed once it has seen `killAfter` deliveries, restarted, and must
 * then apply every message exactly once (after its idempotent dedupe), with
 * every offset delivered at least once.
 */
export async function runConsumerCrashScenario(options: {
  readonly args: CrashConsumerArgs;
  /** The values published at offsets 0..total-1, to recompute the expected state. */
  readonly values: readonly Uint8Array[];
  readonly killAfter: number;
  readonly timeoutMs: number;
  /** The consumer child to run (absolute path); default this folder's crash-consumer.child.ts (a bus subscription). */
  readonly consumer?: string;
}): Promise<{ deliveries: number[]; state: CrashConsumerState }> {
  const { args } = options;
  const consumer = options.consumer ?? 'crash-consumer.child.ts';
  const deliveriesPath = join(args.outDir, 'deliveries.log');
  const first = spawnChild(consumer, args);
  await waitFor(
    `${options.killAfter} deliveries before the kill (child stderr: ${first.stderr()})`,
    () => readLines(deliveriesPath).length >= options.killAfter,
    options.timeoutMs,
  );
  await killHard(first);
  const deliveredBeforeKill = readLines(deliveriesPath).length;
  expect(deliveredBeforeKill).toBeLessThan(args.total);

  const second = spawnChild(consumer, args);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    second.exited,
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs))),
  ]);
  clearTimeout(timer);
  if (code !== 0) {
    second.child.kill('SIGKILL');
    const error = readLines(join(args.outDir, 'error.txt')).join('; ');
    throw new Error(`restarted consumer ended with ${code}: ${error} ${second.stderr()}`);
  }

  const deliveries = readLines(deliveriesPath).map(Number);
  const state = JSON.parse(readFileSync(join(args.outDir, 'state.json'), 'utf8')) as CrashConsumerState;
  const expected = options.values.reduce<CrashConsumerState>(
    (s, value, offset) => applyValue(s, offset, value),
    INITIAL_STATE,
  );
  // Exactly-once effect: every message applied once, in order (the digest chains them).
  expect(state).toEqual(expected);
  // At-least-once delivery: every offset seen, none outside the log.
  const seen = new Set(deliveries);
  for (let offset = 0; offset < args.total; offset++) expect(seen.has(offset)).toBe(true);
  expect(Math.max(...deliveries)).toBe(args.total - 1);
  return { deliveries, state };
}
