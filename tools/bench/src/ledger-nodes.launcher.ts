import { ED25519_NATIVE_ENV } from '@accord/ledger-service';
/**
 * Starts departments' ledger services for the benchmark, either as child
 * processes (`node services/ledger/dist/main.js`, as deployed: one service
 * per process) or side by side in this process (bootstrapService, as
 * `accord up` does), each on its own PostgreSQL schema and the real Kafka.
 * The ledger package is loaded by name at run time (as the CLI does), so
 * the bench does not compile against a service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { bootstrapService, type RunningService, type ServiceDefinition } from '@accord/service-kit';
import type { LedgerMode } from './ledger-bench.config';
import { freePort, trackChild, waitReady } from './service-process.util';

export interface LedgerNodeSpec {
  readonly department: string;
  readonly keysFile: string;
  /** ACCORD_API_TOKENS entries (JSON). */
  readonly apiTokens: string;
  readonly pgUrl: string;
  readonly schema: string;
  readonly kafkaBrokers: readonly string[];
  readonly channels: readonly string[];
  /** ACCORD_LEDGER_SIG_WORKERS; undefined keeps the service default (one per core). */
  readonly sigWorkers: number | undefined;
  readonly groupCommit: number;
  /** Extra node arguments of a child-process ledger. */
  readonly nodeArgs?: readonly string[];
}

export interface LedgerNode {
  readonly department: string;
  readonly url: string;
  /** Process id of a child-process ledger (for CPU accounting), undefined in-process. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

// A name held in a variable and resolved at run time, as the CLI does: the
// bench drives the service as a black box and does not compile against it.
const LEDGER_PACKAGE: string = '@accord/ledger-service';
const READY_TIMEOUT_MS = 60_000;

const STOP_TIMEOUT_MS = 30_000;

function envOf(spec: LedgerNodeSpec, port: number): Record<string, string> {
  return {
    ACCORD_DEPARTMENT: spec.department,
    ACCORD_API_TOKENS: spec.apiTokens,
    ACCORD_HTTP_PORT: String(port),
    // Request logs off: the bench measures the ledger, not log formatting (errors and warnings still show).
    ACCORD_LOG_LEVEL: 'warn',
    ACCORD_DATABASE: spec.pgUrl,
    ACCORD_DATABASE_SCHEMA: spec.schema,
    ACCORD_BUS: `kafka:${spec.kafkaBrokers.join(',')}`,
    ACCORD_KEYS_FILE: spec.keysFile,
    ACCORD_LEDGER_CHANNELS: spec.channels.join(','),
    ACCORD_LEDGER_BLOCK_GROUP_COMMIT: String(spec.groupCommit),
    ...(spec.sigWorkers === undefined ? {} : { ACCORD_LEDGER_SIG_WORKERS: String(spec.sigWorkers) }),
    // The bench's own setting (e.g. `off` to compare with node:crypto) reaches the ledgers; unset, they use the built addon.
    ...(process.env[ED25519_NATIVE_ENV] === undefined ? {} : { [ED25519_NATIVE_ENV]: process.env[ED25519_NATIVE_ENV] }),
  };
}

export async function startLedgerNodes(mode: LedgerMode, specs: readonly LedgerNodeSpec[]): Promise<LedgerNode[]> {
  const nodes: LedgerNode[] = [];
  try {
    for (const spec of specs) nodes.push(mode === 'processes' ? await startChild(spec) : await startInProcess(spec));
  } catch (error) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    throw error;
  }
  return nodes;
}

async function startChild(spec: LedgerNodeSpec): Promise<LedgerNode> {
  const main = join(dirname(require.resolve(`${LEDGER_PACKAGE}/package.json`)), 'dist', 'main.js');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), main], {
    env: { PATH: process.env.PATH ?? '', ...envOf(spec, port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Warnings and errors of a ledger are worth seeing live: they may explain a figure.
  child.stdout?.on('data', (chunk: Buffer) => forward(spec.department, chunk.toString()));
  trackChild(child);
  let stopping = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (!stopping)
        process.stderr.write(
          `ledger of ${spec.department} exited unexpectedly (${code ?? signal}); its last output:\n${output.join('')}\n`,
        );
      resolve(code);
    }),
  );
  await Promise.race([
    waitReady(url, READY_TIMEOUT_MS),
    exited.then((code) => {
      throw new Error(`ledger of ${spec.department} exited with ${code} before it was ready:\n${output.join('')}`);
    }),
  ]);
  return {
    department: spec.department,
    url,
    pid: child.pid,
    stop: () => {
      stopping = true;
      return stopChild(child, exited);
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function startInProcess(spec: LedgerNodeSpec): Promise<LedgerNode> {
  const definition = await loadLedgerDefinition();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      forward(spec.department, chunk.toString());
      done();
    },
  });
  const service: RunningService = await bootstrapService(definition, {
    env: envOf(spec, 0),
    logDestination: sink,
    processName: 'accord-bench-ledgers',
  });
  return { department: spec.department, url: service.url, pid: undefined, stop: () => service.close() };
}

/**
 * Shows a ledger's warnings and errors live, as they may explain a figure;
 * leaves out kafkajs' warning about creating a topic that exists (every
 * ensureTopic of an existing topic logs it).
 */
function forward(department: string, text: string): void {
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.includes('"error":"Topic creation errors"')) continue;
    process.stderr.write(`[${department}] ${line}\n`);
  }
}

async function loadLedgerDefinition(): Promise<ServiceDefinition> {
  const name = LEDGER_PACKAGE;
  const exported = ((await import(name)) as Record<string, unknown>)['ledgerService'];
  const candidate = exported as Partial<ServiceDefinition> | undefined;
  if (typeof candidate?.name !== 'string' || candidate.rootModule === undefined)
    throw new Error(`${name} does not export ledgerService (is services/ledger built?)`);
  return candidate as ServiceDefinition;
}
