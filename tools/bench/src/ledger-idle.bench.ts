/**
 * Idle cost of a ledger (issue 13): one department's ledger process
 * (`node services/ledger/dist/main.js`, as deployed) follows a channel that
 * has its genesis block and then no traffic; the bench reads the process's
 * CPU time from /proc over a window and prints its share of a core. Runs on
 * Kafka + PostgreSQL (the infra env) and on the embedded default (embedded
 * log + PGlite in a temporary data dir). Never asserts a figure.
 *
 *   node tools/bench/dist/ledger-idle.bench.js   (infra env sourced)
 *   BENCH_IDLE_SECONDS=15          length of the measured window (after a settle pause)
 *   BENCH_IDLE_BACKENDS=kafka,embedded
 *   BENCH_IDLE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"  to see what the idle process still does
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EmbeddedEventBus, KafkaEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { attestTopic, blocksTopic, txRecordHeaders, txTopic } from '@accord/events';
import { ed25519Signer, encodeEnvelope, signTx } from '@accord/protocol';
import { embeddedBusDir } from '@accord/service-kit';
import { makeDepartment, type BenchDepartment as Department } from './bench-department';
import { loadBenchConfig } from './bench.config';
import { cpuDelta, sampleCpu } from './cpu-usage';
import { deleteTopics } from './kafka-baseline';
import { LedgerApiClient } from './ledger-api.client';
import { freePort, trackChild, waitReady } from './service-process.util';

const BACKENDS = ['kafka', 'embedded'] as const;
type Backend = (typeof BACKENDS)[number];

/** Pause after the channel is followed and before measuring: start-up work (migrations, first audit) is not idle. */
const SETTLE_MS = 10_000;
const READY_TIMEOUT_MS = 60_000;
const LEDGER_PACKAGE: string = '@accord/ledger-service';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface IdleConfig {
  readonly seconds: number;
  readonly backends: readonly Backend[];
  readonly nodeArgs: readonly string[];
}

function loadIdleConfig(env: NodeJS.ProcessEnv = process.env): IdleConfig {
  const seconds = Number(env.BENCH_IDLE_SECONDS ?? '15');
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600)
    throw new Error(`BENCH_IDLE_SECONDS must be an integer from 1 to 600, got ${env.BENCH_IDLE_SECONDS}`);
  const backends = (env.BENCH_IDLE_BACKENDS ?? BACKENDS.join(',')).split(',').map((b) => b.trim());
  const unknown = backends.filter((b) => !(BACKENDS as readonly string[]).includes(b));
  if (unknown.length > 0) throw new Error(`BENCH_IDLE_BACKENDS: unknown ${unknown.join(', ')}; known: ${BACKENDS}`);
  const nodeArgs = (env.BENCH_IDLE_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
  return { seconds, backends: backends as Backend[], nodeArgs };
}

/** Publishes a one-member channel's genesis tx to the channel's tx topic. */
async function publishGenesis(bus: EventBus, channel: string, department: Department): Promise<void> {
  const genesis = signTx(
    {
      v: 1,
      channel,
      type: 'channel.genesis',
      from: department.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: [
          {
            id: department.id,
            ed25519: department.keys.ed25519.publicKey,
            x25519: department.keys.x25519.publicKey,
          },
        ],
        policy: { maxTxPerBlock: 500, maxBlockBytes: 2 * 1024 * 1024, batchTimeoutMs: 50 },
      },
    },
    ed25519Signer(department.keys.ed25519.privateKey),
  );
  await bus.ensureTopic(txTopic(channel));
  await bus.publish(txTopic(channel), [{ value: encodeEnvelope(genesis), headers: txRecordHeaders('tx') }]);
}

interface StartedLedger {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<void>;
}

async function startLedger(env: Record<string, string>, nodeArgs: readonly string[]): Promise<StartedLedger> {
  const main = join(dirname(require.resolve(`${LEDGER_PACKAGE}/package.json`)), 'dist', 'main.js');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { PATH: process.env.PATH ?? '', ACCORD_LOG_LEVEL: 'warn', ACCORD_HTTP_PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    waitReady(url, READY_TIMEOUT_MS),
    exited.then(() => {
      throw new Error('the ledger exited before it was ready');
    }),
  ]);
  return { child, url, exited };
}

async function stopLedger(ledger: StartedLedger): Promise<void> {
  if (ledger.child.exitCode !== null || ledger.child.signalCode !== null) return;
  ledger.child.kill('SIGTERM');
  await ledger.exited;
}

/** Waits until the ledger committed the genesis block of `channel`. */
async function waitForGenesis(client: LedgerApiClient, channel: string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    const head = await client.getJson<{ height: number | null }>(`/v1/channels/${channel}/head`).catch(() => null);
    if (head !== null && head.height !== null) return;
    if (performance.now() > deadline) throw new Error(`channel ${channel} has no genesis block after 60 s`);
    await sleep(200);
  }
}

/** Length of one slice of the window: the median slice discounts a burst of leftover start-up work. */
const SLICE_MS = 5000;

interface IdleShare {
  /** CPU share of a core over the whole window. */
  readonly overall: number;
  /** Median and range over the window's slices. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** CPU share of a core the process used over `seconds`, overall and per slice. */
async function measure(pid: number, seconds: number): Promise<IdleShare> {
  const first = sampleCpu([pid]);
  const started = performance.now();
  const slices: number[] = [];
  let last = first;
  let lastAt = started;
  while (performance.now() - started < seconds * 1000 - 1) {
    await sleep(Math.min(SLICE_MS, seconds * 1000 - (performance.now() - started)));
    const now = sampleCpu([pid]);
    const at = performance.now();
    slices.push(cpuDelta(last, now).processMs[0] / (at - lastAt));
    last = now;
    lastAt = at;
  }
  const sorted = [...slices].sort((a, b) => a - b);
  return {
    overall: cpuDelta(first, last).processMs[0] / (lastAt - started),
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

async function runBackend(backend: Backend, config: IdleConfig, run: string): Promise<IdleShare> {
  const dataDir = await mkdtemp(join(tmpdir(), `accord-idle-${backend}-`));
  const department = await makeDepartment(dataDir, `idle-${run}`);
  const channel = `idle-${backend}-${run}`;
  const bench = loadBenchConfig();
  const schema = `idle_${run}_${backend}`;
  const env: Record<string, string> = {
    ACCORD_DEPARTMENT: department.id,
    ACCORD_DATA_DIR: dataDir,
    ACCORD_API_TOKENS: department.apiTokens,
    ACCORD_KEYS_FILE: department.keysFile,
    ACCORD_LEDGER_CHANNELS: channel,
  };
  if (backend === 'kafka') {
    if (!bench.pgUrl) throw new Error('ACCORD_TEST_PG_URL is not set: source ~/.cache/accord/run/infra.env');
    Object.assign(env, {
      ACCORD_BUS: `kafka:${bench.kafkaBrokers.join(',')}`,
      ACCORD_DATABASE: bench.pgUrl,
      ACCORD_DATABASE_SCHEMA: schema,
    });
  }
  const bus: EventBus =
    backend === 'kafka'
      ? await KafkaEventBus.connect({
          brokers: bench.kafkaBrokers,
          clientId: 'bench-idle',
          logger: silentEventBusLogger,
        })
      : await EmbeddedEventBus.open({ dataDir: embeddedBusDir(dataDir), logger: silentEventBusLogger });
  let ledger: StartedLedger | undefined;
  try {
    await publishGenesis(bus, channel, department);
    // The embedded log belongs to one process at a time: the ledger's from here on.
    if (backend === 'embedded') await bus.close();
    ledger = await startLedger(env, config.nodeArgs);
    const client = new LedgerApiClient(ledger.url, department.token);
    try {
      await waitForGenesis(client, channel);
    } finally {
      client.close();
    }
    await sleep(SETTLE_MS);
    return await measure(ledger.child.pid as number, config.seconds);
  } finally {
    if (ledger !== undefined) await stopLedger(ledger);
    await bus.close();
    if (backend === 'kafka') {
      await deleteTopics(bench.kafkaBrokers, [
        txTopic(channel),
        attestTopic(channel),
        blocksTopic(department.id),
      ]).catch(() => undefined);
      await dropSchema(bench.pgUrl as string, schema);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function dropSchema(pgUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const config = loadIdleConfig();
  const run = randomBytes(3).toString('hex');
  console.log(`Ledger idle CPU (one ledger process following a channel with no traffic, ${config.seconds} s window)`);
  for (const backend of config.backends) {
    const share = await runBackend(backend, config, run);
    const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
    console.log(
      `  ${backend === 'kafka' ? 'Kafka + PostgreSQL' : 'embedded default'}: ${pct(share.overall)} of a core ` +
        `(${SLICE_MS / 1000} s slices: median ${pct(share.median)}, ${pct(share.min)}–${pct(share.max)})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
