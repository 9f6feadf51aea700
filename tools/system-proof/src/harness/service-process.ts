import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceName } from '@accord/cli';
import { reapOnExit } from './child-reaper';

/** What `start()` waits for at most before it gives up on /health/ready. */
const READY_TIMEOUT_MS = 120_000;
/** A SIGTERM'd service that is still up after this long is killed. */
const STOP_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;
/** How much of a process's latest output is kept to explain an unexpected exit. */
const KEPT_OUTPUT_CHARS = 16_000;

/** The npm package of each service: resolved at run time, so the system proof does not compile against them. */
const SERVICE_PACKAGES: Readonly<Record<ServiceName, string>> = {
  ledger: '@accord/ledger-service',
  contracts: '@accord/contracts-service',
  catalog: '@accord/catalog-service',
  'storage-gateway': '@accord/storage-gateway-service',
};

/** One service of a department as its own process, restartable with the same port, environment and data. */
export interface ServiceProcessHandle {
  readonly department: string;
  readonly service: ServiceName;
  readonly url: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL, resolves once the process exited. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful shutdown), resolves once the process exited (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** Spawns the service again; resolves with the ms from spawn until /health/ready answered 200. */
  start(): Promise<number>;
  /** stop() then start(). */
  restart(): Promise<number>;
}

/** Why a service was (re)started: the network's first start, start() after a stop or crash, restart(). */
export type StartReason = 'first start' | 'start' | 'restart';

export interface ServiceStart {
  readonly department: string;
  readonly service: ServiceName;
  readonly reason: StartReason;
  readonly readyMs: number;
}

/** A service process that exited without being asked to, with the end of its output. */
export interface UnexpectedExit {
  readonly department: string;
  readonly service: ServiceName;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly outputTail: string;
}

/** A service process did not become ready, or exited before it did. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  readonly code = 'service_start_failed';
}

export interface ServiceProcessSpec {
  readonly department: string;
  readonly service: ServiceName;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  /** Its stdout and stderr are appended here across restarts. */
  readonly logFile: string;
  readonly onStart: (start: ServiceStart) => void;
  readonly onUnexpectedExit: (exit: UnexpectedExit) => void;
}

/**
 * `node services/<svc>/dist/main.js` as deployed, supervised by the test:
 * it is never restarted behind the test's back (a crash is reported, the
 * fault tests decide what happens next), and every start is timed from
 * spawn to ready.
 */
export class ServiceProcess implements ServiceProcessHandle {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private tail = '';
  private log: WriteStream | undefined;
  private started = false;

  constructor(private readonly spec: ServiceProcessSpec) {
    this.url = `http://127.0.0.1:${spec.port}`;
  }

  get department(): string {
    return this.spec.department;
  }

  get service(): ServiceName {
    return this.spec.service;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): Promise<number> {
    const reason: StartReason = this.started ? 'start' : 'first start';
    return this.spawnAndWait(reason);
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.spawnAndWait('restart');
  }

  kill9(): Promise<void> {
    return this.terminate('SIGKILL');
  }

  stop(): Promise<void> {
    return this.terminate('SIGTERM');
  }

  /** Closes the log file once the process is down for good. */
  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }

  private async spawnAndWait(reason: StartReason): Promise<number> {
    if (this.running) throw new ServiceStartError(`${this.label} is already running (pid ${this.child?.pid})`);
    this.started = true;
    const begin = performance.now();
    const child = this.spawn();
    let failure: string | undefined;
    const exitedEarly = this.exited.then(() => {
      failure ??= `${this.label} exited before it was ready:\n${this.tail.slice(-4000)}`;
    });
    try {
      await Promise.race([this.waitReady(() => failure !== undefined), exitedEarly]);
    } catch (error) {
      failure ??= (error as Error).message;
    }
    if (failure !== undefined || child.exitCode !== null || child.signalCode !== null) {
      this.expectingExit = true;
      child.kill('SIGKILL');
      await this.exited;
      throw new ServiceStartError(failure ?? `${this.label} exited before it was ready`);
    }
    const readyMs = Math.round(performance.now() - begin);
    this.spec.onStart({ department: this.department, service: this.service, reason, readyMs });
    return readyMs;
  }

  private spawn(): ChildProcess {
    const main = join(dirname(require.resolve(`${SERVICE_PACKAGES[this.service]}/package.json`)), 'dist', 'main.js');
    if (this.log === undefined) {
      mkdirSync(dirname(this.spec.logFile), { recursive: true });
      this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    }
    const child = spawn(process.execPath, [main], { env: { ...this.spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.expectingExit = false;
    reapOnExit(child);
    const keep = (chunk: Buffer): void => {
      this.log?.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) {
          this.spec.onUnexpectedExit({
            department: this.department,
            service: this.service,
            code,
            signal,
            outputTail: this.tail.slice(-4000),
          });
        }
        resolve();
      }),
    );
    return child;
  }

  /** Polls /health/ready until 200; gives up when `aborted()` or after READY_TIMEOUT_MS. */
  private async waitReady(aborted: () => boolean): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    let last = 'no answer';
    while (!aborted()) {
      const response = await fetch(`${this.url}/health/ready`).catch(() => undefined);
      if (response?.status === 200) {
        await response.body?.cancel();
        return;
      }
      if (response) last = `${response.status} ${await response.text().catch(() => '')}`;
      if (performance.now() > deadline) {
        throw new ServiceStartError(`${this.label} not ready after ${READY_TIMEOUT_MS} ms: ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  private async terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    this.expectingExit = true;
    child.kill(signal);
    const timer = signal === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS) : undefined;
    await this.exited;
    if (timer) clearTimeout(timer);
  }

  private get label(): string {
    return `${this.department}'s ${this.service} (${this.url})`;
  }
}
