/**
 * Runs one service of a department as its own process (`node
 * services/<name>/dist/main.js`, as deployed) for the storage gateway
 * benchmark: the gateway must have a process of its own so its resident
 * memory can be read from /proc. The package is resolved by name at run
 * time, so the bench does not compile against the service.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { freePort, trackChild, waitReady } from './service-process.util';

export interface ServiceProcessSpec {
  /** Printed before its warnings, e.g. `gateway of bench-a-…`. */
  readonly label: string;
  /** npm name of the service package, e.g. `@accord/storage-gateway-service`. */
  readonly packageName: string;
  /** Its whole environment (ACCORD_HTTP_PORT is added). */
  readonly env: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly nodeArgs?: readonly string[];
  /** Called with the child's pid once spawned (before it is ready), e.g. to account its CPU from an earlier point. */
  readonly onSpawn?: (pid: number) => void;
  /** How long it may take to report ready (default 90 s). */
  readonly readyTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const KEPT_OUTPUT_CHUNKS = 200;

export async function startServiceProcess(spec: ServiceProcessSpec): Promise<ServiceProcess> {
  const main = join(dirname(require.resolve(`${spec.packageName}/package.json`)), 'dist', 'main.js');
  const port = spec.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), main], {
    env: { PATH: process.env.PATH ?? '', ...spec.env, ACCORD_HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > KEPT_OUTPUT_CHUNKS) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Warnings and errors are worth seeing live: they may explain a figure.
  child.stdout?.on('data', (chunk: Buffer) => forward(spec.label, chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => forward(spec.label, chunk.toString()));
  trackChild(child);
  if (child.pid !== undefined) spec.onSpawn?.(child.pid);
  let stopping = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`${spec.label} exited unexpectedly (${code ?? signal})\n`);
      resolve(code);
    }),
  );
  await Promise.race([
    waitReady(url, spec.readyTimeoutMs ?? READY_TIMEOUT_MS),
    exited.then((code) => {
      throw new Error(`${spec.label} exited with ${code} before it was ready:\n${output.join('')}`);
    }),
  ]);
  if (child.pid === undefined) throw new Error(`${spec.label} has no pid`);
  return {
    url,
    pid: child.pid,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Shows a service's log lines, leaving out kafkajs' warning about creating a topic that exists. */
function forward(label: string, text: string): void {
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.includes('"error":"Topic creation errors"')) continue;
    process.stderr.write(`[${label}] ${line}\n`);
  }
}
