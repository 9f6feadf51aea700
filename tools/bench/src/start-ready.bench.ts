/**
 * Start→ready benchmark (issue 14; docs/benchmarks.md "Start to ready
 * (issue 14)"). One department's ledger, contracts service, catalog and
 * storage gateway run as processes of their own (as deployed) on the real
 * PostgreSQL, Kafka and MinIO, over a channel whose chain holds a few
 * thousand mixed rule txs (the contracts bench's generator, four members).
 * Then, for each service and several rounds: `kill -9` → spawn → first 200
 * from /health/ready, and SIGTERM → spawn → ready, each with the CPU the
 * process used until ready and the boot phases of its "started" log line
 * (process = node start and module loading, then config, Nest modules
 * (database connect and migrations, bus, object store), init hooks, event
 * consumers, listen; the rest is listen → ready). Then the four are
 * killed (stopped) together and spawned together, as a crashed host or a
 * redeploy does. Last, with
 * START_BENCH_BROKER=1 (only on servers of your own: it stops and starts
 * the Kafka broker of $ACCORD_RUN through scripts/infra/kafka.sh), the
 * broker is stopped, kept down START_BENCH_BROKER_DOWN_MS (default 10 s)
 * with a tx submitted meanwhile, started, and a tx submitted at once:
 * broker ready → tx accepted → tx committed. Prints tables, writes the figures as JSON
 * (START_BENCH_JSON, default a file in the temp dir); asserts no figure.
 * Run `bash scripts/bench.sh start-ready`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { attestTopic, txRecordHeaders, txTopic } from '@accord/events';
import { ed25519Signer, encodeEnvelope, signTx, type JsonObject } from '@accord/protocol';
import { median, printTable, summarize, type Measurement } from './bench-stats';
import { makeDepartment, type BenchDepartment } from './bench-department';
import { CONTRACTS_BENCH_RULES, generateContractsChain } from './contracts-chain.generator';
import { signChain } from './contracts-signing.pool';
import { ledgerHead, waitUntil } from './contracts-progress.probe';
import { loadBenchInfra, type BenchInfra } from './bench.config';
import { LedgerApiClient } from './ledger-api.client';
import { freePort } from './service-process.util';
import { RestartableService, type StartTiming } from './start-ready.process';

interface StartReadyConfig extends BenchInfra {
  readonly txs: number;
  readonly rounds: number;
  readonly services: readonly string[];
  /** Also restart the four services together (START_BENCH_DEPARTMENT=0 leaves it out). */
  readonly department: boolean;
  readonly brokerRestarts: number;
  /** How long the broker stays down, with a tx submitted meanwhile (clients back off while it is away). */
  readonly brokerDownMs: number;
  readonly json: string | undefined;
}

const ALL_SERVICES = ['ledger', 'contracts', 'catalog', 'storage-gateway'];
const PUBLISH_BATCH = 1000;
const CHAIN_SEED = 14;
const CATCH_UP_TIMEOUT_MS = 10 * 60_000;
const COMMIT_TIMEOUT_MS = 5 * 60_000;
const KAFKA_SCRIPT = resolve(__dirname, '..', '..', '..', 'scripts', 'infra', 'kafka.sh');

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
  return n;
}

function loadConfig(env: NodeJS.ProcessEnv = process.env): StartReadyConfig {
  const services = (env.START_BENCH_SERVICES ?? ALL_SERVICES.join(',')).split(',').filter((s) => s.length > 0);
  const unknown = services.filter((s) => !ALL_SERVICES.includes(s));
  if (unknown.length > 0) throw new Error(`START_BENCH_SERVICES: unknown ${unknown.join(', ')}`);
  return {
    ...loadBenchInfra(env),
    txs: count(env, 'START_BENCH_TXS', 3000),
    rounds: Math.max(1, count(env, 'START_BENCH_ROUNDS', 3)),
    services,
    department: env.START_BENCH_DEPARTMENT !== '0',
    brokerRestarts: env.START_BENCH_BROKER === '1' ? Math.max(1, count(env, 'START_BENCH_BROKER_RESTARTS', 2)) : 0,
    brokerDownMs: count(env, 'START_BENCH_BROKER_DOWN_MS', 10_000),
    json: env.START_BENCH_JSON,
  };
}

// ---------------------------------------------------------------- the department

interface Setup {
  readonly config: StartReadyConfig;
  readonly run: string;
  readonly dir: string;
  readonly channel: string;
  readonly self: BenchDepartment;
  readonly peers: readonly BenchDepartment[];
  readonly pg: Client;
  readonly bus: EventBus;
  readonly schemas: Record<string, string>;
}

function commonEnv(s: Setup, schema: string): Record<string, string> {
  return {
    ACCORD_DEPARTMENT: s.self.id,
    ACCORD_API_TOKENS: s.self.apiTokens,
    ACCORD_KEYS_FILE: s.self.keysFile,
    ACCORD_DATA_DIR: s.dir,
    // Info: the "started" line carries the boot phases (request logs stay at debug).
    ACCORD_LOG_LEVEL: 'info',
    ACCORD_DATABASE: s.config.pgUrl,
    ACCORD_DATABASE_SCHEMA: schema,
    ACCORD_BUS: `kafka:${s.config.kafkaBrokers.join(',')}`,
  };
}

async function makeServices(s: Setup): Promise<Map<string, RestartableService>> {
  const [ledgerPort, contractsPort, catalogPort, gatewayPort] = await Promise.all([1, 2, 3, 4].map(() => freePort()));
  const ledgerUrl = `http://127.0.0.1:${ledgerPort}`;
  const ledgerApi = { ACCORD_LEDGER_URL: ledgerUrl, ACCORD_LEDGER_TOKEN: s.self.token };
  return new Map([
    [
      'ledger',
      new RestartableService({
        name: 'ledger',
        packageName: '@accord/ledger-service',
        port: ledgerPort,
        env: { ...commonEnv(s, s.schemas.ledger), ACCORD_LEDGER_CHANNELS: s.channel },
      }),
    ],
    [
      'contracts',
      new RestartableService({
        name: 'contracts',
        packageName: '@accord/contracts-service',
        port: contractsPort,
        env: { ...commonEnv(s, s.schemas.contracts), ...ledgerApi },
      }),
    ],
    [
      'catalog',
      new RestartableService({
        name: 'catalog',
        packageName: '@accord/catalog-service',
        port: catalogPort,
        env: { ...commonEnv(s, s.schemas.catalog), ...ledgerApi },
      }),
    ],
    [
      'storage-gateway',
      new RestartableService({
        name: 'storage-gateway',
        packageName: '@accord/storage-gateway-service',
        port: gatewayPort,
        env: {
          ...commonEnv(s, s.schemas.gateway),
          ...ledgerApi,
          ACCORD_OBJECT_STORE: `minio:${s.config.minio.endpoint}`,
          ACCORD_OBJECT_STORE_ACCESS_KEY: s.config.minio.accessKey,
          ACCORD_OBJECT_STORE_SECRET_KEY: s.config.minio.secretKey,
          ACCORD_OBJECT_STORE_BUCKET: `start-${s.run}`,
          ACCORD_GATEWAY_SCRUB_INTERVAL_MS: '0',
        },
      }),
    ],
  ]);
}

/** The genesis (four members, the contracts bench's rules) and `txs` signed rule txs on the tx topic. */
async function publishChain(s: Setup): Promise<void> {
  const members = [s.self, ...s.peers];
  const genesis = signTx(
    {
      v: 1,
      channel: s.channel,
      type: 'channel.genesis',
      from: s.self.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
        policy: { maxTxPerBlock: 500, batchTimeoutMs: 50, rules: CONTRACTS_BENCH_RULES as unknown as JsonObject },
      },
    },
    ed25519Signer(s.self.keys.ed25519.privateKey),
  );
  const { bodies } = generateContractsChain({
    channel: s.channel,
    members: members.map((m) => m.id),
    count: s.config.txs,
    seed: CHAIN_SEED,
  });
  const keys = Object.fromEntries(members.map((m) => [m.id, m.keys.ed25519.privateKey]));
  const values = [encodeEnvelope(genesis), ...(await signChain(bodies, keys))];
  await s.bus.ensureTopic(txTopic(s.channel));
  await s.bus.ensureTopic(attestTopic(s.channel));
  for (let i = 0; i < values.length; i += PUBLISH_BATCH)
    await s.bus.publish(
      txTopic(s.channel),
      values.slice(i, i + PUBLISH_BATCH).map((value) => ({ value, headers: txRecordHeaders('tx') })),
    );
}

// ---------------------------------------------------------------- measurements

type Mode = 'first' | 'kill -9' | 'SIGTERM' | 'dept kill -9' | 'dept SIGTERM';

interface Sample extends StartTiming {
  readonly service: string;
  readonly mode: Mode;
}

interface BrokerRestart {
  /** `kafka.sh start` → the broker answers (the script's own wait). */
  readonly brokerStartMs: number;
  /** Broker ready → the ledger accepted the tx (202). */
  readonly acceptedMs: number;
  /** Broker ready → the tx is in a committed block. */
  readonly committedMs: number;
  readonly port: string;
}

async function restartRounds(services: Map<string, RestartableService>, config: StartReadyConfig): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const name of config.services) {
    const service = services.get(name) as RestartableService;
    for (let round = 0; round < config.rounds; round++) {
      for (const mode of ['kill -9', 'SIGTERM'] as const) {
        if (mode === 'kill -9') await service.kill9();
        else await service.stop();
        const timing = await service.start();
        samples.push({ ...timing, service: name, mode });
        console.log(
          `  ${name.padEnd(15)} ${mode.padEnd(8)} ready in ${fmt(timing.readyMs)} ms (listening at ${fmt(timing.listenMs)}, cpu ${fmt(timing.cpuMs)} ms) ${JSON.stringify(timing.boot)}`,
        );
      }
    }
  }
  return samples;
}

/**
 * The department's four services killed (or stopped) together and spawned
 * together, as a crashed host or a redeploy does: they compete for the
 * cores while they boot.
 */
async function departmentRounds(
  services: Map<string, RestartableService>,
  config: StartReadyConfig,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const all = [...services.values()];
  for (let round = 0; round < config.rounds; round++) {
    for (const mode of ['dept kill -9', 'dept SIGTERM'] as const) {
      await Promise.all(all.map((service) => (mode === 'dept kill -9' ? service.kill9() : service.stop())));
      const timings = await Promise.all(all.map((service) => service.start()));
      timings.forEach((timing, i) => samples.push({ ...timing, service: all[i].spec.name, mode }));
      console.log(
        `  department ${mode.padEnd(12)} ready in ${timings.map((t, i) => `${all[i].spec.name} ${fmt(t.readyMs)}`).join(', ')} ms`,
      );
    }
  }
  return samples;
}

/** A tx of the chain's kind from a member, with a nonce far from the chain's. */
function extraTx(s: Setup, i: number): Uint8Array {
  const { bodies } = generateContractsChain({ channel: s.channel, members: [s.self.id], count: 1, seed: 1000 + i });
  const body = bodies[0];
  return encodeEnvelope(
    signTx(
      { ...body, nonce: 2 ** 50 + randomBytes(4).readUInt32BE(0), ts: Date.now() },
      ed25519Signer(s.self.keys.ed25519.privateKey),
    ),
  );
}

async function kafkaScript(command: 'stop' | 'start' | 'status'): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)('bash', [KAFKA_SCRIPT, command], { env: process.env });
  return `${stdout}${stderr}`;
}

async function brokerRestart(s: Setup, ledger: RestartableService, i: number): Promise<BrokerRestart> {
  const client = new LedgerApiClient(ledger.url, s.self.token);
  try {
    const before = (await ledgerHead(s.pg, s.schemas.ledger, s.channel)).txs;
    await kafkaScript('stop');
    // A tx submitted while the broker is away, as a workload would: the ledger's publish retries meanwhile.
    const during = client.submitTx(s.channel, extraTx(s, 100 + i)).catch(() => 0);
    await new Promise((resolve) => setTimeout(resolve, s.config.brokerDownMs));
    const startCalled = performance.now();
    const started = await kafkaScript('start');
    const brokerReady = performance.now();
    const port = /on 127\.0\.0\.1:(\d+)/.exec(started)?.[1] ?? '?';
    const envelope = extraTx(s, i);
    let accepted = 0;
    await waitUntil(
      'the ledger to accept a tx after the broker restart',
      async () => {
        const status = await client.submitTx(s.channel, envelope).catch(() => 0);
        if (status === 202) accepted = performance.now();
        return status === 202;
      },
      COMMIT_TIMEOUT_MS,
      25,
    );
    await waitUntil(
      'the tx to commit after the broker restart',
      async () => (await ledgerHead(s.pg, s.schemas.ledger, s.channel)).txs > before,
      COMMIT_TIMEOUT_MS,
      25,
    );
    const committed = performance.now();
    await during;
    return {
      brokerStartMs: brokerReady - startCalled,
      acceptedMs: accepted - brokerReady,
      committedMs: committed - brokerReady,
      port,
    };
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------- report

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
/** The entry of the "started" line's boot phases that is the process's CPU so far, not a phase. */
const BOOT_CPU = 'cpu';

function report(samples: readonly Sample[], restarts: readonly BrokerRestart[]): void {
  const rows: Measurement[] = [];
  const phases: Measurement[] = [];
  const groups = new Map<string, Sample[]>();
  for (const s of samples) groups.set(`${s.service} ${s.mode}`, [...(groups.get(`${s.service} ${s.mode}`) ?? []), s]);
  for (const [key, group] of groups) {
    const cpu = median(group.map((g) => g.cpuMs));
    const bootCpu = median(group.map((g) => g.boot[BOOT_CPU] ?? 0));
    rows.push(
      summarize(
        `${key}: start → ready`,
        'ms',
        group.map((g) => g.readyMs),
        `cpu to "started" ${fmt(bootCpu)} ms, to ready ${fmt(cpu)} ms; listening at ${fmt(median(group.map((g) => g.listenMs)))} ms`,
      ),
    );
    const names = [...new Set(group.flatMap((g) => Object.keys(g.boot)))].filter((n) => n !== BOOT_CPU);
    const cells = names.map((n) => `${n} ${fmt(median(group.map((g) => g.boot[n] ?? 0)))}`);
    const booted = group.map((g) => names.reduce((a, n) => a + (g.boot[n] ?? 0), 0));
    cells.push(`listen→ready ${fmt(median(group.map((g, j) => Math.max(0, g.readyMs - booted[j]))))}`);
    phases.push(summarize(`${key}: phases`, 'ms', booted, cells.join(', ')));
  }
  printTable('Start → ready (spawn → first 200 from /health/ready)', rows);
  printTable('Where the time goes (medians of the "started" line: boot phases, then listen → ready)', phases);
  if (restarts.length > 0)
    printTable('Kafka broker restart → first tx committed', [
      summarize(
        'broker start (kafka.sh)',
        'ms',
        restarts.map((r) => r.brokerStartMs),
      ),
      summarize(
        'broker ready → tx accepted',
        'ms',
        restarts.map((r) => r.acceptedMs),
      ),
      summarize(
        'broker ready → tx committed',
        'ms',
        restarts.map((r) => r.committedMs),
        `ports ${restarts.map((r) => r.port).join(', ')}`,
      ),
    ]);
}

// ---------------------------------------------------------------- main

async function cleanUp(s: Setup, services: Iterable<RestartableService>): Promise<void> {
  for (const service of [...services].reverse())
    await service.stop().catch((e: unknown) => console.error(`stopping ${service.spec.name} failed:`, e));
  await s.bus.close().catch(() => undefined);
  for (const schema of Object.values(s.schemas))
    await s.pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await s.pg.end().catch(() => undefined);
  const admin = new Kafka({ brokers: [...s.config.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin
    .connect()
    .then(async () => {
      const doomed = (await admin.listTopics()).filter((t) => t.includes(s.run));
      if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    })
    .catch((e: unknown) => console.error('deleting the bench topics failed:', e))
    .finally(() => admin.disconnect());
  await rm(s.dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const run = randomBytes(3).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'accord-start-bench-'));
  const pg = new Client({ connectionString: config.pgUrl });
  await pg.connect();
  const bus = await createEventBus({
    kind: 'kafka',
    brokers: [...config.kafkaBrokers],
    clientId: `bench-start-${run}`,
    logger: silentEventBusLogger,
  });
  const self = await makeDepartment(dir, `sr-x-${run}`);
  const peers = await Promise.all([1, 2, 3].map((i) => makeDepartment(dir, `sr-p${i}-${run}`)));
  const schema = (service: string): string => `srbench_${run}_${service}`;
  const setup: Setup = {
    config,
    run,
    dir,
    channel: `start-ready-${run}`,
    self,
    peers,
    pg,
    bus,
    schemas: {
      ledger: schema('ledger'),
      contracts: schema('contracts'),
      catalog: schema('catalog'),
      gateway: schema('gateway'),
    },
  };
  const cpu = cpus();
  console.log(
    `Start→ready benchmark ${run}: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at start; ${config.txs} txs, ${config.rounds} rounds`,
  );
  const services = await makeServices(setup);
  const samples: Sample[] = [];
  const restarts: BrokerRestart[] = [];
  try {
    await publishChain(setup);
    const ledger = services.get('ledger') as RestartableService;
    samples.push({ ...(await ledger.start()), service: 'ledger', mode: 'first' });
    await waitUntil(
      'the ledger to commit the chain',
      async () => (await ledgerHead(pg, setup.schemas.ledger, setup.channel)).txs >= config.txs + 1,
      CATCH_UP_TIMEOUT_MS,
    );
    const head = await ledgerHead(pg, setup.schemas.ledger, setup.channel);
    console.log(`  the ledger committed ${head.txs} txs in ${head.height + 1} blocks`);
    for (const name of ['contracts', 'catalog', 'storage-gateway']) {
      const service = services.get(name) as RestartableService;
      samples.push({ ...(await service.start()), service: name, mode: 'first' });
    }
    // The contracts service and the catalog catch up with the chain before the restarts are timed.
    await waitUntil(
      'the contracts service to apply the chain',
      () => applied(services, setup, head.height),
      CATCH_UP_TIMEOUT_MS,
      200,
    );
    console.log(`  the contracts service applied height ${head.height}; restarting`);
    samples.push(...(await restartRounds(services, config)));
    if (config.department) samples.push(...(await departmentRounds(services, config)));
    for (let i = 0; i < config.brokerRestarts; i++) {
      const r = await brokerRestart(setup, ledger, i);
      console.log(
        `  broker restart ${i + 1}: ready after ${fmt(r.brokerStartMs)} ms, tx accepted +${fmt(r.acceptedMs)} ms, committed +${fmt(r.committedMs)} ms (port ${r.port})`,
      );
      restarts.push(r);
    }
    report(samples, restarts);
    const out = config.json ?? join(tmpdir(), `start-ready-${run}.json`);
    await writeFile(
      out,
      JSON.stringify(
        { run, at: new Date().toISOString(), txs: config.txs, loadavg: loadavg(), samples, restarts },
        null,
        2,
      ),
    );
    console.log(`\n  figures written to ${out}`);
  } finally {
    await cleanUp(setup, services.values());
  }
}

/** True once the contracts service reports `height` applied on the channel. */
async function applied(services: Map<string, RestartableService>, s: Setup, height: number): Promise<boolean> {
  const contracts = services.get('contracts') as RestartableService;
  const res = await fetch(`${contracts.url}/v1/channels`, { headers: { authorization: `Bearer ${s.self.token}` } });
  if (res.status !== 200) return false;
  const { channels } = (await res.json()) as { channels: { channel: string; height: number }[] };
  return (channels.find((c) => c.channel === s.channel)?.height ?? -1) >= height;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
