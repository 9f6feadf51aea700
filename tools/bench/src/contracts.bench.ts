/**
 * Contracts benchmark (issue 13, item 3; docs/benchmarks.md "Contracts
 * (issue 13)"). A generated chain of mixed rule txs from four departments
 * of an alliance channel (registrations, requests, consents, refusals,
 * uses, updates; grants, expiries and points follow), signed on worker
 * threads before any clock starts, is committed by one department's ledger
 * (a process of its own on PostgreSQL, real Kafka); then that department's
 * contracts service (`node services/contracts/dist/main.js`) applies it
 * from genesis, on PostgreSQL and on PGlite, and its apply rate is set
 * against the ledger's committed rate of the same run. Last, a second
 * department's ledger and contracts service start empty together and the
 * same kind of chain is offered at the ledger's rate: does the contracts
 * service keep up while the blocks are being committed? Prints tables;
 * asserts no figure, but fails when the system misbehaves (a tx the ledger
 * marks invalid, a receipt that denies or rejects a tx the chain meant to be
 * applied, a halted channel, different state digests on PostgreSQL and
 * PGlite for the same blocks). Run `bash scripts/bench.sh contracts`, or
 * `node tools/bench/dist/contracts.bench.js` with the infra env sourced;
 * BENCH_SCALE=0.1 for a quick run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { attestTopic, txRecordHeaders, txTopic } from '@accord/events';
import { ed25519Signer, encodeEnvelope, signTx, type JsonObject } from '@accord/protocol';
import { printTable, summarize, type Measurement } from './bench-stats';
import { CONTRACTS_BENCH_RULES, generateContractsChain, type ChainSummary } from './contracts-chain.generator';
import { loadContractsBenchConfig, type ContractsBenchConfig } from './contracts-bench.config';
import { makeDepartment, type BenchDepartment } from './bench-department';
import { startContracts, startLedger, type ContractsStore } from './contracts-department';
import { ContractsProbe, ledgerCodes, ledgerHead, waitUntil, type StoredDigest } from './contracts-progress.probe';
import { signChain } from './contracts-signing.pool';
import { cpuDelta, sampleCpu, type CpuDelta, type CpuSample } from './cpu-usage';
import { freePort } from './service-process.util';
import type { ServiceProcess } from './gateway-service.process';

/** Receipt kinds that say a tx was not applied: the chain means none of them. */
const REFUSING_KINDS = new Set(['denied', 'rejected']);
const PUBLISH_BATCH = 1000;
const CATCH_UP_TIMEOUT_MS = 30 * 60_000;
const CHAIN_SEED = 13;

/** One department's chain on its channel: the genesis and the rule txs, signed. */
interface SignedChain {
  readonly channel: string;
  readonly self: BenchDepartment;
  readonly genesis: Uint8Array;
  readonly envelopes: Uint8Array[];
  readonly summary: ChainSummary;
}

interface Bench {
  readonly config: ContractsBenchConfig;
  readonly run: string;
  readonly dir: string;
  readonly bus: EventBus;
  readonly pg: Client;
  readonly schemas: string[];
  readonly processes: ServiceProcess[];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = (from: number, to = performance.now()): number => (to - from) / 1000;

// ---------------------------------------------------------------- the chain

async function makeChain(
  config: ContractsBenchConfig,
  channel: string,
  self: BenchDepartment,
  peers: readonly BenchDepartment[],
): Promise<SignedChain> {
  const members = [self, ...peers];
  const genesis = signTx(
    {
      v: 1,
      channel,
      type: 'channel.genesis',
      from: self.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
        policy: {
          maxTxPerBlock: config.maxTxPerBlock,
          batchTimeoutMs: 100,
          rules: CONTRACTS_BENCH_RULES as unknown as JsonObject,
        },
      },
    },
    ed25519Signer(self.keys.ed25519.privateKey),
  );
  const { bodies, summary } = generateContractsChain({
    channel,
    members: members.map((m) => m.id),
    count: config.txs,
    seed: CHAIN_SEED,
  });
  const keys = Object.fromEntries(members.map((m) => [m.id, m.keys.ed25519.privateKey]));
  return { channel, self, genesis: encodeEnvelope(genesis), envelopes: await signChain(bodies, keys), summary };
}

async function publish(bus: EventBus, channel: string, values: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < values.length; i += PUBLISH_BATCH)
    await bus.publish(
      txTopic(channel),
      values.slice(i, i + PUBLISH_BATCH).map((value) => ({ value, headers: txRecordHeaders('tx') })),
    );
}

// ---------------------------------------------------------------- checks

/** Fails when the ledger marked a tx of the chain invalid. */
async function checkLedgerCodes(bench: Bench, schema: string, channel: string): Promise<void> {
  const codes = await ledgerCodes(bench.pg, schema, channel);
  const bad = [...codes].filter(([code]) => code !== 'valid');
  if (bad.length > 0) throw new Error(`the ledger marked txs of ${channel} invalid: ${JSON.stringify(bad)}`);
}

/** Fails when a receipt denies or rejects a tx, or when txs got no receipt; returns the counts by kind. */
async function checkReceipts(probe: ContractsProbe, txs: number, what: string): Promise<Map<string, number>> {
  const counts = await probe.receipts();
  const refused = [...counts].filter(([key]) => REFUSING_KINDS.has(key.split('/')[0]));
  if (refused.length > 0)
    throw new Error(`${what}: txs the chain meant to apply were refused: ${JSON.stringify(refused)}`);
  const byKind = new Map<string, number>();
  for (const [key, n] of counts) byKind.set(key.split('/')[0], (byKind.get(key.split('/')[0]) ?? 0) + n);
  // Every rule tx gets exactly one receipt; expiries and membership effects come on top.
  const ofTxs = [...byKind].filter(([kind]) => kind !== 'expired').reduce((a, [, n]) => a + n, 0);
  if (ofTxs < txs) throw new Error(`${what}: ${txs} rule txs but only ${ofTxs} receipts of txs`);
  return byKind;
}

function compareDigests(a: readonly StoredDigest[], b: readonly StoredDigest[]): void {
  if (a.length !== b.length) throw new Error(`digests: ${a.length} heights on PostgreSQL, ${b.length} on PGlite`);
  a.forEach((d, i) => {
    const other = b[i];
    if (other.height !== d.height || other.digest !== d.digest || other.blockHash !== d.blockHash)
      throw new Error(
        `state digest mismatch at height ${d.height}: PostgreSQL ${d.digest}, PGlite ${other.digest} (height ${other.height})`,
      );
  });
}

// ---------------------------------------------------------------- phases

interface LedgerCatchUp {
  readonly url: string;
  readonly startToListenMs: number;
  /** From its first HTTP answer to the last block committed. */
  readonly seconds: number;
  readonly height: number;
  readonly cpu: CpuDelta;
  /** From its spawn to the last block committed. */
  readonly totalSeconds: number;
}

/** True once something answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health/live`);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh ledger builds every block of the already published chain. As for
 * the contracts service, the clock starts at its first HTTP answer (its
 * channel runner starts just before it listens).
 */
async function ledgerFromGenesis(bench: Bench, chain: SignedChain, schema: string): Promise<LedgerCatchUp> {
  bench.schemas.push(schema);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  let listening = 0;
  let cpu0: CpuSample | undefined;
  let pid: number | undefined;
  const starting = startLedger(chain.self, bench.config, schema, chain.channel, port, (p) => (pid = p));
  let failed: unknown;
  const started = starting.then(
    (p) => bench.processes.push(p),
    (error: unknown) => (failed = error),
  );
  let height = -1;
  await waitUntil(
    'the ledger to commit the chain',
    async () => {
      if (failed !== undefined) throw failed;
      if (listening === 0) {
        if (!(await answers(url))) return false;
        listening = performance.now();
        cpu0 = sampleCpu([pid]);
      }
      const head = await ledgerHead(bench.pg, schema, chain.channel);
      height = head.height;
      return head.txs >= chain.envelopes.length + 1;
    },
    CATCH_UP_TIMEOUT_MS,
    20,
  );
  const done = performance.now();
  await started;
  const ledger = await starting;
  const cpu = cpuDelta(cpu0 ?? sampleCpu([ledger.pid]), sampleCpu([ledger.pid]));
  await checkLedgerCodes(bench, schema, chain.channel);
  return {
    url: ledger.url,
    startToListenMs: listening - spawned,
    seconds: seconds(listening, done),
    height,
    cpu,
    totalSeconds: seconds(spawned, done),
  };
}

interface ContractsCatchUp {
  readonly store: ContractsStore['kind'];
  /** From its spawn to its first HTTP answer (migrations done, the blocks reader starting) and to ready. */
  readonly startToListenMs: number;
  readonly startToReadyMs: number;
  /** From its first HTTP answer to the ledger's head applied. */
  readonly seconds: number;
  /** Time spent in its batches (accord_contracts_batch_seconds: parse, apply, database transaction). */
  readonly busySeconds: number;
  readonly totalSeconds: number;
  readonly cpu: CpuDelta;
  readonly receipts: Map<string, number>;
  readonly digests: StoredDigest[];
}

/**
 * A fresh contracts service applies the committed chain from genesis up to
 * the ledger's head. The clock starts at its first HTTP answer: the app has
 * run its migrations and starts its blocks reader just before it listens
 * (it reports ready only once the reader runs, by when a short chain is
 * applied already).
 */
async function contractsFromGenesis(
  bench: Bench,
  chain: SignedChain,
  ledgerUrl: string,
  head: number,
  store: ContractsStore,
): Promise<ContractsCatchUp> {
  if (store.kind === 'postgres') bench.schemas.push(store.schema);
  const port = await freePort();
  const probe = new ContractsProbe(`http://127.0.0.1:${port}`, chain.self.token);
  const spawned = performance.now();
  let listening = 0;
  let cpu0: CpuSample | undefined;
  let pid: number | undefined;
  const starting = startContracts(chain.self, bench.config, {
    store,
    ledgerUrl,
    batch: bench.config.batch,
    nodeArgs: bench.config.contractsNodeArgs,
    port,
    onSpawn: (p) => (pid = p),
    readyTimeoutMs: CATCH_UP_TIMEOUT_MS,
  });
  let failed: unknown;
  const started = starting.then(
    (p) => bench.processes.push(p),
    (error: unknown) => (failed = error),
  );
  await waitUntil(
    `the contracts service on ${store.kind} to apply the chain`,
    async () => {
      if (failed !== undefined) throw failed;
      const height = await probe.heightIfUp(chain.channel);
      if (height === undefined) return false;
      if (listening === 0) {
        listening = performance.now();
        cpu0 = sampleCpu([pid]);
      }
      return height >= head;
    },
    CATCH_UP_TIMEOUT_MS,
    20,
  );
  const done = performance.now();
  await started;
  const contracts = await starting;
  const ready = performance.now();
  const cpu = cpuDelta(cpu0 ?? sampleCpu([contracts.pid]), sampleCpu([contracts.pid]));
  const receipts = await checkReceipts(probe, chain.envelopes.length, `contracts on ${store.kind}`);
  const busySeconds = await probe.metric('accord_contracts_batch_seconds_sum');
  const digests = await probe.digests(chain.channel);
  await contracts.stop();
  bench.processes.splice(bench.processes.indexOf(contracts), 1);
  return {
    store: store.kind,
    startToListenMs: listening - spawned,
    startToReadyMs: ready - spawned,
    seconds: seconds(listening, done),
    busySeconds,
    totalSeconds: seconds(spawned, done),
    cpu,
    receipts,
    digests,
  };
}

interface LiveRun {
  readonly offeredRate: number;
  readonly ledgerSeconds: number;
  readonly contractsSeconds: number;
  /** From the ledger's last commit to the contracts service's applying it. */
  readonly endLagMs: number;
  readonly maxLagBlocks: number;
  readonly meanLagBlocks: number;
  readonly height: number;
  readonly cpu: CpuDelta;
  /** Time the contracts service spent in its batches (accord_contracts_batch_seconds). */
  readonly busySeconds: number;
  readonly receipts: Map<string, number>;
}

/**
 * Both services of a new department start empty; the chain is offered at
 * `rate` tx/s (the ledger's own rate) while the contracts service follows.
 */
async function liveFollow(bench: Bench, chain: SignedChain, rate: number): Promise<LiveRun> {
  const ledgerSchema = `cbench_${bench.run}_live_ledger`;
  const contractsSchema = `cbench_${bench.run}_live_contracts`;
  bench.schemas.push(ledgerSchema, contractsSchema);
  await bench.bus.ensureTopic(txTopic(chain.channel));
  await bench.bus.ensureTopic(attestTopic(chain.channel));
  await publish(bench.bus, chain.channel, [chain.genesis]);
  const ledger = await startLedger(chain.self, bench.config, ledgerSchema, chain.channel);
  bench.processes.push(ledger);
  const contracts = await startContracts(chain.self, bench.config, {
    store: { kind: 'postgres', schema: contractsSchema },
    ledgerUrl: ledger.url,
    batch: bench.config.batch,
    nodeArgs: bench.config.contractsNodeArgs,
  });
  bench.processes.push(contracts);
  const probe = new ContractsProbe(contracts.url, chain.self.token);
  await waitUntil('the live genesis applied', async () => (await probe.height(chain.channel)) >= 0, 60_000);

  const total = chain.envelopes.length;
  const lags: number[] = [];
  let ledgerDone = 0;
  let sampling = true;
  let samplerError: unknown;
  const sampler = (async () => {
    while (sampling) {
      const [head, applied] = await Promise.all([
        ledgerHead(bench.pg, ledgerSchema, chain.channel),
        probe.height(chain.channel),
      ]);
      lags.push(Math.max(0, head.height - applied));
      if (ledgerDone === 0 && head.txs >= total + 1) ledgerDone = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })().catch((error: unknown) => {
    samplerError = error;
  });
  const sampled = (): boolean => {
    if (samplerError !== undefined) throw samplerError;
    return ledgerDone > 0;
  };
  const cpu0 = sampleCpu([ledger.pid, contracts.pid]);
  const started = performance.now();
  // Paced: each 50 ms tick publishes what the schedule owes, as submissions arriving at `rate` would.
  for (let sent = 0; sent < total;) {
    const owed = Math.min(total, Math.ceil((seconds(started) + 0.05) * rate));
    if (owed > sent) {
      await publish(bench.bus, chain.channel, chain.envelopes.slice(sent, owed));
      sent = owed;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await waitUntil('the live ledger to commit the chain', async () => sampled(), CATCH_UP_TIMEOUT_MS, 50);
  const head = await ledgerHead(bench.pg, ledgerSchema, chain.channel);
  await waitUntil(
    'the live contracts service to apply the chain',
    async () => (await probe.height(chain.channel)) >= head.height,
    CATCH_UP_TIMEOUT_MS,
    20,
  );
  const contractsDone = performance.now();
  sampling = false;
  await sampler;
  if (samplerError !== undefined) throw samplerError;
  const cpu = cpuDelta(cpu0, sampleCpu([ledger.pid, contracts.pid]));
  await checkLedgerCodes(bench, ledgerSchema, chain.channel);
  const receipts = await checkReceipts(probe, total, 'live contracts');
  const busySeconds = await probe.metric('accord_contracts_batch_seconds_sum');
  return {
    busySeconds,
    offeredRate: rate,
    ledgerSeconds: seconds(started, ledgerDone),
    contractsSeconds: seconds(started, contractsDone),
    endLagMs: Math.max(0, contractsDone - ledgerDone),
    maxLagBlocks: Math.max(0, ...lags),
    meanLagBlocks: lags.length === 0 ? 0 : lags.reduce((a, b) => a + b, 0) / lags.length,
    height: head.height,
    cpu,
    receipts,
  };
}

// ---------------------------------------------------------------- report

function chainLine(summary: ChainSummary, txs: number): string {
  const types = [...summary.byType].map(([type, n]) => `${type} ${fmt(n)}`).join(', ');
  return `  chain: ${fmt(txs)} rule txs (${types}); requests: ${fmt(summary.autoGranted)} granted at once, ${fmt(summary.pending)} waiting for consent (${fmt(summary.undecided)} left to expire)`;
}

function receiptsLine(what: string, receipts: ReadonlyMap<string, number>): string {
  return `  receipts (${what}): ${[...receipts].map(([kind, n]) => `${kind} ${fmt(n)}`).join(', ')}`;
}

function catchUpRows(c: ContractsCatchUp, txs: number, blocks: number, ledgerRate: number): Measurement[] {
  const rate = txs / c.seconds;
  const perTx = (ms: number): number => (ms * 1000) / txs;
  return [
    summarize(`contracts on ${c.store}: start to first HTTP answer (migrations done)`, 'ms', [c.startToListenMs]),
    summarize(`contracts on ${c.store}: start to ready (its reader caught up)`, 'ms', [c.startToReadyMs]),
    summarize(
      `contracts on ${c.store}: apply rate from genesis`,
      'tx/s',
      [rate],
      `${((100 * rate) / ledgerRate).toFixed(0)}% of the ledger's committed rate (target ≥ 100%)`,
    ),
    summarize(`contracts on ${c.store}: blocks applied`, 'blocks/s', [blocks / c.seconds]),
    summarize(
      `contracts on ${c.store}: rate within its batches`,
      'tx/s',
      [txs / c.busySeconds],
      `${((100 * c.busySeconds) / c.seconds).toFixed(0)}% of the time in batches (parse, apply, db transaction)`,
    ),
    summarize(`contracts on ${c.store}: CPU of the contracts process`, 'µs/tx', [perTx(c.cpu.processMs[0])]),
    summarize(
      `contracts on ${c.store}: PostgreSQL CPU`,
      'µs/tx',
      [perTx(c.cpu.postgresMs)],
      c.store === 'pglite' ? 'not used by it: other work on the shared server' : '',
    ),
    summarize(`contracts on ${c.store}: machine busy`, '%', [100 * c.cpu.machineBusy]),
  ];
}

async function deleteRunTopics(brokers: readonly string[], run: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-cleanup', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const doomed = (await admin.listTopics()).filter((t) => t.includes(run));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    return doomed.length;
  } finally {
    await admin.disconnect();
  }
}

async function cleanUp(bench: Bench): Promise<void> {
  for (const p of bench.processes.reverse())
    await p.stop().catch((e: unknown) => console.error('stopping a service failed:', e));
  await bench.bus.close().catch(() => undefined);
  for (const schema of bench.schemas)
    await bench.pg
      .query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      .catch((e: unknown) => console.error(`dropping ${schema} failed:`, e));
  await bench.pg.end().catch(() => undefined);
  const topics = await deleteRunTopics(bench.config.kafkaBrokers, bench.run).catch((e: unknown) => {
    console.error('deleting the bench topics failed:', e);
    return 0;
  });
  await rm(bench.dir, { recursive: true, force: true });
  console.log(`  cleaned up (${bench.schemas.length} schemas dropped, ${topics} topics deleted)`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const benchStart = performance.now();
  const config = loadContractsBenchConfig();
  const run = randomBytes(3).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'accord-contracts-bench-'));
  const pg = new Client({ connectionString: config.pgUrl });
  await pg.connect();
  const bus = await createEventBus({
    kind: 'kafka',
    brokers: [...config.kafkaBrokers],
    clientId: `bench-contracts-${run}`,
    logger: silentEventBusLogger,
  });
  const bench: Bench = { config, run, dir, bus, pg, schemas: [], processes: [] };
  const cpu = cpus();
  console.log(
    `Contracts benchmark ${run}: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at start`,
  );
  try {
    const self = await makeDepartment(dir, `cb-x-${run}`);
    const liveSelf = await makeDepartment(dir, `cb-y-${run}`);
    const peers = await Promise.all([1, 2, 3].map((i) => makeDepartment(dir, `cb-p${i}-${run}`)));
    const signStart = performance.now();
    const chain = await makeChain(config, `contracts-bench-${run}`, self, peers);
    const liveChain = await makeChain(config, `contracts-live-${run}`, liveSelf, peers);
    console.log(
      `  generated and signed 2 × ${fmt(config.txs)} txs on ${availableParallelism()} threads in ${seconds(signStart).toFixed(1)} s (before any clock)`,
    );
    console.log(chainLine(chain.summary, config.txs));

    // 1. The chain is on the log; a new department's ledger builds its blocks from genesis.
    await bus.ensureTopic(txTopic(chain.channel));
    await bus.ensureTopic(attestTopic(chain.channel));
    const publishStart = performance.now();
    await publish(bus, chain.channel, [chain.genesis, ...chain.envelopes]);
    console.log(`  published the chain in ${seconds(publishStart).toFixed(1)} s`);
    const ledgerSchema = `cbench_${run}_ledger`;
    const ledger = await ledgerFromGenesis(bench, chain, ledgerSchema);
    const blocks = ledger.height + 1;
    const txs = config.txs;
    const ledgerRate = txs / ledger.seconds;
    const ledgerUrl = ledger.url;
    console.log(`  the ledger committed ${fmt(txs)} txs in ${fmt(blocks)} blocks in ${ledger.seconds.toFixed(1)} s`);

    // 2. Its contracts service from genesis, on PostgreSQL, then on PGlite.
    const onPostgres = await contractsFromGenesis(bench, chain, ledgerUrl, ledger.height, {
      kind: 'postgres',
      schema: `cbench_${run}_contracts`,
    });
    const onPglite = await contractsFromGenesis(bench, chain, ledgerUrl, ledger.height, {
      kind: 'pglite',
      dataDir: join(dir, 'contracts-pglite'),
    });
    compareDigests(onPostgres.digests, onPglite.digests);
    console.log(
      `  state digests of all ${fmt(onPostgres.digests.length)} heights equal on PostgreSQL and PGlite (head ${onPostgres.digests.at(-1)?.digest.slice(0, 16)}…)`,
    );
    console.log(receiptsLine('catch-up', onPostgres.receipts));
    await bench.processes.splice(0, 1)[0].stop();

    const perTx = (ms: number): number => (ms * 1000) / txs;
    printTable(`Catch-up from genesis (${fmt(txs)} rule txs, ${fmt(blocks)} blocks; one department, Kafka)`, [
      summarize('ledger on PostgreSQL: start to first HTTP answer (migrations done)', 'ms', [ledger.startToListenMs]),
      summarize('ledger: committed rate from genesis', 'tx/s', [ledgerRate], 'baseline'),
      summarize('ledger: blocks committed', 'blocks/s', [blocks / ledger.seconds]),
      summarize('ledger: CPU of the ledger process', 'µs/tx', [perTx(ledger.cpu.processMs[0])]),
      summarize('ledger: PostgreSQL CPU', 'µs/tx', [perTx(ledger.cpu.postgresMs)]),
      summarize('ledger: machine busy', '%', [100 * ledger.cpu.machineBusy]),
      ...catchUpRows(onPostgres, txs, blocks, ledgerRate),
      ...catchUpRows(onPglite, txs, blocks, ledgerRate),
      summarize(
        'a new department from genesis: ledger, then contracts on PostgreSQL',
        's',
        [ledger.totalSeconds + onPostgres.totalSeconds],
        'empty databases to caught up, process starts included',
      ),
      summarize('a new department from genesis: ledger, then contracts on PGlite', 's', [
        ledger.totalSeconds + onPglite.totalSeconds,
      ]),
    ]);

    // 3. Live: a second department's ledger and contracts follow a chain offered at the ledger's rate.
    const live = await liveFollow(bench, liveChain, ledgerRate);
    console.log(receiptsLine('live', live.receipts));
    const liveLedgerRate = txs / live.ledgerSeconds;
    const liveContractsRate = txs / live.contractsSeconds;
    printTable(
      `Live: contracts (PostgreSQL) follow the ledger while ${fmt(txs)} txs are committed (${fmt(live.height + 1)} blocks)`,
      [
        summarize('offered rate (the catch-up ledger rate above)', 'tx/s', [live.offeredRate]),
        summarize('ledger: committed rate (first offer to last commit)', 'tx/s', [liveLedgerRate], 'baseline'),
        summarize(
          'contracts: applied rate (first offer to last applied)',
          'tx/s',
          [liveContractsRate],
          `${((100 * liveContractsRate) / liveLedgerRate).toFixed(0)}% of the ledger's (target ≥ 100%)`,
        ),
        summarize(
          'contracts: time in its batches (parse, apply, db transaction)',
          '%',
          [(100 * live.busySeconds) / live.contractsSeconds],
          'of the run: the rest is headroom',
        ),
        summarize('contracts lag at the end (last commit to applied)', 'ms', [live.endLagMs]),
        summarize('contracts lag behind the ledger, sampled every 100 ms: mean', 'blocks', [live.meanLagBlocks]),
        summarize('contracts lag behind the ledger: max', 'blocks', [live.maxLagBlocks]),
        summarize('ledger process CPU', 'µs/tx', [perTx(live.cpu.processMs[0])]),
        summarize('contracts process CPU', 'µs/tx', [perTx(live.cpu.processMs[1])]),
        summarize('PostgreSQL CPU (both services)', 'µs/tx', [perTx(live.cpu.postgresMs)]),
        summarize('machine busy', '%', [100 * live.cpu.machineBusy]),
      ],
    );
    console.log(
      `\n  ${seconds(benchStart).toFixed(0)} s in all; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (the machine is shared; figures are informative)`,
    );
  } finally {
    await cleanUp(bench);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
