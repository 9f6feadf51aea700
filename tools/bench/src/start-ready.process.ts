/**
 * One service of the start→ready benchmark as a process of its own (`node
 * services/<name>/dist/main.js`, as deployed) that can be killed (SIGKILL),
 * stopped (SIGTERM) and spawned again with the same port, environment and
 * database, each spawn timed to its first 200 from /health/ready. The
 * service's "started" log line carries its boot phases (service-kit's
 * bootstrapService), read here to show where a start spent its time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { trackChild } from './service-process.util';

export interface RestartableSpec {
  /** Short name in tables, e.g. `ledger`. */
  readonly name: string;
  /** npm name of the service package, e.g. `@accord/ledger-service`. */
  readonly packageName: string;
  readonly port: number;
  /** Its environment (ACCORD_HTTP_PORT is added). */
  readonly env: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
}

/** One spawn, timed. */
export interface StartTiming {
  /** Spawn → first 200 from /health/ready. */
  readonly readyMs: number;
  /** Spawn → first HTTP answer of any status (the server listens). */
  readonly listenMs: number;
  /** CPU (user + system) the process used from spawn to ready. */
  readonly cpuMs: number;
  /** The boot phases of its "started" line (ms), empty when the line was not seen. */
  readonly boot: Readonly<Record<string, number>>;
}

const READY_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 30_000;
const POLL_MS = 25;
const KEPT_LINES = 300;
/** Clock ticks per second of /proc times. */
const USER_HZ = 100;

export class RestartableService {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly lines: string[] = [];
  private boot: Record<string, number> = {};

  constructor(readonly spec: RestartableSpec) {
    this.url = `http://127.0.0.1:${spec.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the service and resolves once /health/ready answers 200. */
  async start(): Promise<StartTiming> {
    if (this.child !== undefined) throw new Error(`${this.spec.name} is running already`);
    const main = join(dirname(require.resolve(`${this.spec.packageName}/package.json`)), 'dist', 'main.js');
    this.boot = {};
    const spawned = performance.now();
    const child = spawn(process.execPath, [...(this.spec.nodeArgs ?? []), main], {
      env: { PATH: process.env.PATH ?? '', ...this.spec.env, ACCORD_HTTP_PORT: String(this.spec.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    trackChild(child);
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) this.onLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let gone = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        gone = true;
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    let listenMs = 0;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (gone) throw new Error(`${this.spec.name} exited before it was ready:\n${this.lines.join('\n')}`);
      const status = await readyStatus(this.url);
      if (status !== undefined && listenMs === 0) listenMs = performance.now() - spawned;
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`${this.spec.name} not ready after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const readyMs = performance.now() - spawned;
    return { readyMs, listenMs, cpuMs: processCpuMs(child.pid), boot: { ...this.boot } };
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful stop), SIGKILL after 30 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Its last output lines (for a failure message). */
  output(): string {
    return this.lines.join('\n');
  }

  private onLine(line: string): void {
    if (line.length === 0) return;
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    if (line.includes('"boot":')) {
      try {
        const parsed = JSON.parse(line) as { boot?: Record<string, number> };
        if (parsed.boot !== undefined) this.boot = parsed.boot;
      } catch {
        // not a JSON log line
      }
    }
    const level = /"level":(\d+)/.exec(line)?.[1];
    // Warnings and errors are worth seeing live: they may explain a figure.
    if ((level !== undefined && Number(level) >= 40) || !line.startsWith('{'))
      if (!line.includes('"error":"Topic creation errors"')) process.stderr.write(`[${this.spec.name}] ${line}\n`);
  }
}

/** The status of GET /health/ready, undefined while nothing listens. */
async function readyStatus(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/health/ready`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** utime + stime of a live process, ms (0 when it cannot be read). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}
