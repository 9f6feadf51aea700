/**
 * Ledger benchmark (issue 3, item 8; docs/benchmarks.md). Three
 * departments' ledger services on one machine against the real Kafka and
 * PostgreSQL follow one fresh channel; the bench offers pre-signed txs and
 * learns commits from the departments' block.committed events. Prints
 * tables with the targets beside the figures; never asserts a figure (it
 * fails only when the ledgers misbehave: a tx not valid, a lost tx, a
 * failed audit). Run `bash scripts/bench.sh ledger`, or
 * `node tools/bench/dist/ledger.bench.js` with the infra env sourced;
 * BENCH_SCALE=0.05 for a smoke run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import {
  attestTopic,
  blocksTopic,
  deadLetterTopic,
  decodeAttestationEvent,
  txRecordHeaders,
  txTopic,
} from '@accord/events';
import {
  ed25519Signer,
  encodeAttestation,
  parseEnvelope,
  signAttestation,
  signTx,
  txIdBytes,
  encodeEnvelope,
  verifyEnvelopeSignature,
  type TxEnvelope,
} from '@accord/protocol';
import { makeDepartment, type BenchDepartment as Department } from './bench-department';
import { measureRate, median, percentile, printTable, summarize, withNote, type Measurement } from './bench-stats';
import { CommitTracker, TRACKER_CONSUMER, type TrackedOutcome } from './commit-tracker';
import { cpuDelta, sampleCpu, type CpuDelta } from './cpu-usage';
import { deleteTopics, rawKafkaProduceConsume } from './kafka-baseline';
import { LedgerApiClient } from './ledger-api.client';
import { loadLedgerBenchConfig, type LedgerBenchConfig, type LedgerMode } from './ledger-bench.config';
import { startLedgerNodes, type LedgerNode, type LedgerNodeSpec } from './ledger-nodes.launcher';
import { TxSigningPool, type SignedTxs, type TxSender } from './tx-signing.pool';
import { bareVerify, type BareCheckSource } from './bare-verify';
import {
  ED25519_NATIVE_ENV,
  loadEd25519Native,
  resolveEd25519Backend,
  type Ed25519Backend,
} from '@accord/ledger-service';

const DEPARTMENTS = 3;
/** The channel policy of the bench channel (printed with the results); batchTimeoutMs from the config. */
const POLICY = { quorum: 'all', maxTxPerBlock: 500, maxBlockBytes: 2 * 1024 * 1024 } as const;
const policyOf = (config: LedgerBenchConfig) => ({ ...POLICY, batchTimeoutMs: config.batchTimeoutMs });
const PUBLISH_BATCH = 500;
const PUBLISH_IN_FLIGHT = 8;
/** Concurrent HTTP submissions in the saturation run of the API path. */
const HTTP_CONCURRENCY = 96;
/** Batch requests in flight per ledger in the batch saturation run (one being answered while the next is read). */
const HTTP_BATCHES_IN_FLIGHT_PER_LEDGER = 2;
/** Offered rate of the HTTP latency target: this share of the verification ceiling measured in the run. */
const HTTP_LATENCY_CEILING_SHARE = 0.3;
/** How long the batching client of the HTTP latency runs gathers envelopes before it sends them. */
const HTTP_BATCH_LINGER_MS = 20;
const DRAIN_TIMEOUT_MS = 180_000;
const IDLE_SAMPLE_MS = 10_000;
const IDLE_SETTLE_MS = 5000;
const TARGETS = {
  committedTxPerSecond: 3000,
  ceilingShare: 0.6,
  /** The absolute rate counts only on a run whose ceiling is at least this. */
  ceilingForAbsolute: 5000,
  idleCorePercent: 1,
  p99AtThousandMs: 500,
  auditSeconds: 60,
  auditTxs: 1_000_000,
  httpBatchShare: 0.7,
  httpSingleShare: 0.4,
  httpP99Ms: 250,
  auditBareRatio: 1.1,
};

/** Headers of every tx record the bench publishes (one object, reused). */
const TX_HEADERS = txRecordHeaders('tx');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Cluster {
  readonly mode: LedgerMode;
  readonly nodes: LedgerNode[];
  readonly clients: LedgerApiClient[];
}

/** Everything the phases share. */
interface Bench {
  readonly config: LedgerBenchConfig;
  /** The Ed25519 verifier the ledgers' signature workers use (they resolve the same setting). */
  readonly verifier: Ed25519Backend;
  readonly run: string;
  readonly channel: string;
  readonly departments: readonly Department[];
  readonly senders: readonly TxSender[];
  readonly bus: EventBus;
  readonly tracker: CommitTracker;
  readonly signing: TxSigningPool;
  readonly schemas: string[];
  readonly topics: string[];
  cluster?: Cluster;
  /** Pre-signed txs of the bench channel and how many are used. */
  txs?: SignedTxs;
  used: number;
}

/** One metrics scrape per ledger. */
type Scrape = Map<string, number>[];

async function scrape(cluster: Cluster): Promise<Scrape> {
  return Promise.all(cluster.clients.map((c) => c.metrics()));
}

/** The first series whose name starts with `base` and ends with one of `suffixes` (exporters add _total etc.). */
function series(m: Map<string, number>, base: string, suffixes: readonly string[]): number {
  for (const suffix of suffixes) {
    const v = m.get(`${base}${suffix}`);
    if (v !== undefined) return v;
  }
  return 0;
}

/**
 * The ledgers' own view of a run (their /metrics, averaged over the three):
 * blocks, close→commit latency and the database transaction per group.
 */
function pipelineNote(before: Scrape, after: Scrape): string {
  const delta = (base: string, suffixes: readonly string[]): number =>
    after.reduce((sum, m, i) => sum + series(m, base, suffixes) - series(before[i], base, suffixes), 0) / after.length;
  const blocks = delta('accord_ledger_blocks_committed', ['_total', '']);
  const latency =
    delta('accord_ledger_block_commit_latency_seconds', ['_sum']) /
    Math.max(1, delta('accord_ledger_block_commit_latency_seconds', ['_count']));
  const groups = delta('accord_ledger_commit_transaction_seconds', ['_count']);
  const txn = delta('accord_ledger_commit_transaction_seconds', ['_sum']) / Math.max(1, groups);
  const cuts = after.reduce(
    (sum, m, i) =>
      sum +
      series(m, 'accord_ledger_cut_markers_published', ['_total', '']) -
      series(before[i], 'accord_ledger_cut_markers_published', ['_total', '']),
    0,
  );
  return `per ledger: ${blocks.toFixed(0)} blocks, ${(blocks / Math.max(1, groups)).toFixed(1)} per DB txn of ${(txn * 1000).toFixed(0)} ms, block close→durable ${(latency * 1000).toFixed(0)} ms; ${cuts} cut markers`;
}

interface RunFigures {
  /** Committed at every department, tx/s. */
  readonly rate: number;
  /** Txs handed over (published, or answered 202 by the API) per second. */
  readonly acceptRate: number;
  /** From the first (scheduled) send to the last commit at every department, ms. */
  readonly commitSpanMs: number;
  readonly cpu: CpuDelta;
  readonly outcome: TrackedOutcome;
  /** What the ledgers' metrics say about the run. */
  readonly pipeline: string;
}

function take(bench: Bench, n: number): SignedTxs {
  if (bench.txs === undefined || bench.used + n > bench.txs.length)
    throw new Error(`bench bug: ${n} more txs wanted, ${bench.txs ? bench.txs.length - bench.used : 0} left`);
  const slice = bench.txs.slice(bench.used, bench.used + n);
  bench.used += n;
  return slice;
}

function ids(txs: SignedTxs): string[] {
  return Array.from({ length: txs.length }, (_, i) => txs.txId(i));
}

function checkOutcome(outcome: TrackedOutcome, what: string): void {
  if (outcome.invalid.size > 0) {
    throw new Error(
      `${what}: txs committed with codes other than valid: ${[...outcome.invalid].map(([c, n]) => `${c} ×${n}`).join(', ')}; the figures would be meaningless`,
    );
  }
}

// ---------------------------------------------------------------- set-up

async function makeDepartments(dir: string, run: string): Promise<Department[]> {
  const out: Department[] = [];
  for (let i = 0; i < DEPARTMENTS; i++)
    out.push(await makeDepartment(dir, `bench-${String.fromCharCode(97 + i)}-${run}`));
  return out;
}

function nodeSpec(
  bench: Bench,
  d: Department,
  schema: string,
  channels: readonly string[],
  sigWorkers: number | undefined,
): LedgerNodeSpec {
  return {
    department: d.id,
    keysFile: d.keysFile,
    apiTokens: d.apiTokens,
    pgUrl: bench.config.pgUrl,
    schema,
    kafkaBrokers: bench.config.kafkaBrokers,
    channels,
    sigWorkers,
    groupCommit: bench.config.groupCommit,
    nodeArgs: bench.config.ledgerNodeArgs,
  };
}

async function startCluster(bench: Bench, mode: LedgerMode): Promise<Cluster> {
  const schemas = bench.departments.map((_, i) => `bench_${bench.run}_${i}`);
  for (const s of schemas) if (!bench.schemas.includes(s)) bench.schemas.push(s);
  const started = performance.now();
  const nodes = await startLedgerNodes(
    mode,
    bench.departments.map((d, i) => nodeSpec(bench, d, schemas[i], [bench.channel], bench.config.sigWorkers)),
  );
  console.log(
    `  started 3 ledgers (${mode}) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${nodes.map((n) => n.url).join(' ')}`,
  );
  return { mode, nodes, clients: nodes.map((n, i) => new LedgerApiClient(n.url, bench.departments[i].token)) };
}

async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  if (cluster === undefined) return;
  for (const c of cluster.clients) c.close();
  await Promise.all(cluster.nodes.map((n) => n.stop()));
}

async function createChannel(bench: Bench, cluster: Cluster): Promise<void> {
  const [founder] = bench.departments;
  const genesis = signTx(
    {
      v: 1,
      channel: bench.channel,
      type: 'channel.genesis',
      from: founder.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: bench.departments.map((d) => ({
          id: d.id,
          ed25519: d.keys.ed25519.publicKey,
          x25519: d.keys.x25519.publicKey,
        })),
        policy: policyOf(bench.config),
      },
    },
    ed25519Signer(founder.keys.ed25519.privateKey),
  );
  const created = await cluster.clients[0].postJson<{ txId: string }>('/v1/channels', genesis, 202);
  bench.tracker.expect(created.txId, performance.now());
  checkOutcome(await bench.tracker.drain(60_000, 'genesis'), 'genesis');
}

// ---------------------------------------------------------------- sending

async function publishDirect(bench: Bench, txs: SignedTxs): Promise<void> {
  const topic = txTopic(bench.channel);
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < txs.length; start += PUBLISH_BATCH) {
    const messages = [];
    for (let i = start; i < Math.min(txs.length, start + PUBLISH_BATCH); i++)
      messages.push({ value: txs.value(i), headers: TX_HEADERS });
    inFlight.push(bench.bus.publish(topic, messages));
    if (inFlight.length >= PUBLISH_IN_FLIGHT) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
}

/** Submits every tx through the ledgers' HTTP API (round robin over the three departments), `HTTP_CONCURRENCY` at a time. */
async function submitHttp(bench: Bench, cluster: Cluster, txs: SignedTxs): Promise<void> {
  let next = 0;
  const failures = new Map<number, number>();
  const loop = async (): Promise<void> => {
    while (next < txs.length) {
      const i = next++;
      const status = await cluster.clients[i % cluster.clients.length].submitTx(bench.channel, txs.value(i));
      if (status !== 202) failures.set(status, (failures.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, loop));
  if (failures.size > 0)
    throw new Error(`HTTP submissions answered ${[...failures].map(([s, n]) => `${s} ×${n}`).join(', ')}`);
}

/** Where a run offers its txs: the tx topic, or the HTTP API one envelope per request or many (POST .../txs/batch). */
type SendPath = 'direct' | 'http' | 'http-batch';

/** Throws unless every envelope of a batch answer was accepted and new. */
function checkBatchAnswer(answer: Awaited<ReturnType<LedgerApiClient['submitBatch']>>, what: string): void {
  if (answer.status !== 200 || answer.errors > 0 || answer.duplicates > 0)
    throw new Error(
      `${what}: batch answered ${answer.status}, ${answer.errors} envelope errors (first: ${answer.firstError ?? '-'}), ${answer.duplicates} duplicates`,
    );
}

/** Submits every tx in batches of `config.httpBatch` (round robin over the ledgers), a few batches in flight per ledger. */
async function submitHttpBatches(bench: Bench, cluster: Cluster, txs: SignedTxs): Promise<void> {
  const size = bench.config.httpBatch;
  const batches = Math.ceil(txs.length / size);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < batches) {
      const b = next++;
      const values = [];
      for (let i = b * size; i < Math.min(txs.length, (b + 1) * size); i++) values.push(txs.value(i));
      const client = cluster.clients[b % cluster.clients.length];
      checkBatchAnswer(await client.submitBatch(bench.channel, values), 'HTTP batch submission');
    }
  };
  await Promise.all(Array.from({ length: HTTP_BATCHES_IN_FLIGHT_PER_LEDGER * cluster.clients.length }, loop));
}

/** Sends txs [from, to) of a paced run as one batch request per ledger (round robin by index, like the single requests). */
function sendPacedBatches(bench: Bench, cluster: Cluster, txs: SignedTxs, from: number, to: number): Promise<void>[] {
  const perLedger: Uint8Array[][] = cluster.clients.map(() => []);
  for (let i = from; i < to; i++) perLedger[i % cluster.clients.length].push(txs.value(i));
  const sends: Promise<void>[] = [];
  perLedger.forEach((values, l) => {
    for (let start = 0; start < values.length; start += 1000) {
      const chunk = values.slice(start, start + 1000);
      sends.push(
        cluster.clients[l]
          .submitBatch(bench.channel, chunk)
          .then((answer) => checkBatchAnswer(answer, 'paced HTTP batch')),
      );
    }
  });
  return sends;
}

// ---------------------------------------------------------------- phases

/** Offers all txs as fast as the path takes them; committed tx/s = n / time until every department committed all. */
async function saturation(bench: Bench, path: SendPath, txs: SignedTxs): Promise<RunFigures> {
  const cluster = bench.cluster as Cluster;
  const txIds = ids(txs);
  const metrics0 = await scrape(cluster);
  const cpu0 = sampleCpu(watchedPids(cluster));
  const start = performance.now();
  for (const id of txIds) bench.tracker.expect(id, start);
  if (path === 'direct') await publishDirect(bench, txs);
  else if (path === 'http') await submitHttp(bench, cluster, txs);
  else await submitHttpBatches(bench, cluster, txs);
  const accepted = performance.now();
  const outcome = await bench.tracker.drain(DRAIN_TIMEOUT_MS, `saturation (${path})`);
  const cpu = cpuDelta(cpu0, sampleCpu(watchedPids(cluster)));
  checkOutcome(outcome, `saturation (${path})`);
  const pipeline = pipelineNote(metrics0, await scrape(cluster));
  return {
    rate: txs.length / ((outcome.lastCommitAt - start) / 1000),
    acceptRate: txs.length / ((accepted - start) / 1000),
    commitSpanMs: outcome.lastCommitAt - start,
    cpu,
    outcome,
    pipeline,
  };
}

/** Open-loop pacing: tx i is due at start + i/rate; latency counts from that scheduled time. */
async function paced(bench: Bench, path: SendPath, rate: number, txs: SignedTxs): Promise<RunFigures> {
  const cluster = bench.cluster as Cluster;
  const txIds = ids(txs);
  const topic = txTopic(bench.channel);
  const errors: unknown[] = [];
  const httpFailures = new Map<number, number>();
  const sends: Promise<unknown>[] = [];
  const metrics0 = await scrape(cluster);
  const cpu0 = sampleCpu(watchedPids(cluster));
  const start = performance.now() + 5;
  let sent = 0;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  while (sent < txs.length) {
    const now = performance.now();
    const due = Math.min(txs.length, Math.floor(((now - start) * rate) / 1000) + 1);
    // A batching client gathers envelopes for up to HTTP_BATCH_LINGER_MS (as a Kafka producer's linger.ms); latency still counts from each tx's scheduled time.
    const lingering = path === 'http-batch' && now - lastBatchAt < HTTP_BATCH_LINGER_MS && due < txs.length;
    if (due > sent && !lingering) {
      if (path === 'http-batch') lastBatchAt = now;
      for (let i = sent; i < due; i++) bench.tracker.expect(txIds[i], start + (i * 1000) / rate);
      if (path === 'direct') {
        const messages = [];
        for (let i = sent; i < due; i++) messages.push({ value: txs.value(i), headers: TX_HEADERS });
        sends.push(bench.bus.publish(topic, messages).catch((e: unknown) => errors.push(e)));
      } else if (path === 'http-batch') {
        // The txs due since the last batch as one batch per ledger.
        for (const send of sendPacedBatches(bench, cluster, txs, sent, due))
          sends.push(send.catch((e: unknown) => errors.push(e)));
      } else {
        for (let i = sent; i < due; i++) {
          sends.push(
            cluster.clients[i % cluster.clients.length].submitTx(bench.channel, txs.value(i)).then(
              (status) => status !== 202 && httpFailures.set(status, (httpFailures.get(status) ?? 0) + 1),
              (e: unknown) => errors.push(e),
            ),
          );
        }
      }
      sent = due;
    }
    await sleep(2);
  }
  await Promise.all(sends);
  const accepted = performance.now();
  if (errors.length > 0)
    throw new Error(`paced ${path} run at ${rate} tx/s: ${errors.length} sends failed, first: ${String(errors[0])}`);
  if (httpFailures.size > 0)
    throw new Error(
      `paced http run at ${rate} tx/s: answers ${[...httpFailures].map(([s, n]) => `${s} ×${n}`).join(', ')}`,
    );
  const outcome = await bench.tracker.drain(DRAIN_TIMEOUT_MS, `${path} at ${rate} tx/s`);
  const cpu = cpuDelta(cpu0, sampleCpu(watchedPids(cluster)));
  checkOutcome(outcome, `${path} at ${rate} tx/s`);
  const pipeline = pipelineNote(metrics0, await scrape(cluster));
  return {
    rate: txs.length / ((outcome.lastCommitAt - start) / 1000),
    acceptRate: txs.length / ((accepted - start) / 1000),
    commitSpanMs: outcome.lastCommitAt - start,
    cpu,
    outcome,
    pipeline,
  };
}

/** Processes whose CPU time is watched: the three ledgers and this one (the client), or this one alone when it holds the ledgers. */
function watchedPids(cluster: Cluster): (number | undefined)[] {
  return cluster.mode === 'processes' ? [...cluster.nodes.map((n) => n.pid), undefined] : [undefined];
}

/** CPU the ledgers use with nothing offered (polling the log and the attestations, timers). */
async function idleCpu(cluster: Cluster, quick: boolean): Promise<{ note: string; shares: number[] }> {
  // Long enough for start-up work (the first full self-audit, topic metadata) to settle.
  await sleep(quick ? 1000 : IDLE_SETTLE_MS);
  const before = sampleCpu(watchedPids(cluster));
  const started = performance.now();
  await sleep(quick ? IDLE_SAMPLE_MS / 2 : IDLE_SAMPLE_MS);
  const used = cpuDelta(before, sampleCpu(watchedPids(cluster)));
  const seconds = (performance.now() - started) / 1000;
  const shareOf = (ms: number): number => (ms / 1000 / seconds) * 100;
  const shown = (n: number): string => `${n.toFixed(1)}%`;
  const shares = cluster.mode === 'processes' ? used.processMs.slice(0, -1).map(shareOf) : [shareOf(used.processMs[0])];
  const note =
    cluster.mode === 'processes'
      ? `idle (nothing offered for ${seconds.toFixed(0)} s): each ledger uses ${shares.map(shown).join('/')} of a core`
      : `idle (nothing offered for ${seconds.toFixed(0)} s): the process with the 3 ledgers uses ${shown(shares[0])} of a core`;
  return { note, shares };
}

/**
 * True when the ledgers kept up with the offered rate: the txs of the last
 * fifth of the run (commit order) did not wait clearly longer than those of
 * the first fifth, and the commits kept pace (the run's txs committed
 * within the sending time plus the early txs' latency, give or take 10%).
 */
function sustained(figures: RunFigures, rate: number, count: number): boolean {
  const latencies = figures.outcome.latencies;
  const fifth = Math.max(1, Math.floor(latencies.length / 5));
  const early = median(latencies.slice(0, fifth));
  if (median(latencies.slice(-fifth)) > 2 * early + 250) return false;
  return figures.commitSpanMs - early <= (count / rate) * 1000 * 1.1;
}

/** Where the CPU went, per committed tx: the machine's busy share, the ledgers, the client, the servers. */
function cpuNote(figures: RunFigures, txs: number, mode: LedgerMode): string {
  const { cpu } = figures;
  const us = (ms: number): string => ((ms * 1000) / txs).toFixed(0);
  const own = cpu.processMs.map(us);
  const parts =
    mode === 'processes'
      ? [`ledgers ${own.slice(0, -1).join('/')}`, `client ${own[own.length - 1]}`]
      : [`client + 3 ledgers ${own[0]}`];
  return `machine ${Math.round(cpu.machineBusy * 100)}% busy; CPU µs/tx: ${parts.join(', ')}, PostgreSQL ${us(cpu.postgresMs)}, Kafka ${us(cpu.javaMs)}`;
}

async function baselines(
  bench: Bench,
  sample: SignedTxs,
): Promise<{ rows: Measurement[]; ceiling: number; rawKafka: number }> {
  const { config } = bench;
  const keyOf = new Map(bench.departments.map((d) => [d.id, d.keys.ed25519.publicKey]));
  const envelopes: TxEnvelope[] = Array.from(
    { length: sample.length },
    (_, i) => parseEnvelope(sample.value(i)).envelope,
  );
  const verify = await measureRate('Ed25519 tx verification, one core (verifyEnvelopeSignature)', 5, () => {
    for (const e of envelopes)
      if (!verifyEnvelopeSignature(e, keyOf.get(e.body.from) as string)) throw new Error('bench tx does not verify');
    return envelopes.length;
  });
  const cores = cpus().length;
  const ceiling = (verify.median * cores) / DEPARTMENTS;
  const ledgersVerifier = await ledgersVerifierRate(bench, envelopes, keyOf);
  const values = Array.from({ length: sample.length }, (_, i) => sample.value(i));
  const kafkaRuns = [];
  for (let r = 0; r < 3; r++)
    kafkaRuns.push(await rawKafkaProduceConsume(config.kafkaBrokers, `bench.raw.${bench.run}.${r}`, values));
  const raw = summarize(
    'raw kafkajs produce+consume of the same tx bytes (1 producer, 1 consumer)',
    'msg/s',
    kafkaRuns.map((k) => k.produceConsumeRate),
  );
  const produce = summarize(
    'raw kafkajs produce alone (same runs)',
    'msg/s',
    kafkaRuns.map((k) => k.produceRate),
  );
  const rows = [
    withNote(verify, `${fmt(sample.length)} txs of ${Math.round(sample.bytes / sample.length)} B`),
    summarize(
      `verification ceiling = single-core × ${cores} cores ÷ ${DEPARTMENTS} departments`,
      'tx/s',
      [ceiling],
      'every department verifies every tx',
    ),
    ...ledgersVerifier,
    withNote(raw, `${fmt(sample.length)} messages per run`),
    produce,
  ];
  return { rows, ceiling, rawKafka: raw.median };
}

/**
 * The same txs through the verifier the ledgers' signature workers use when
 * it is the Ed25519 addon (JCS + SHA-256 of the body as above, then the
 * addon), and the ceiling it would give. The targets stay relative to the
 * node:crypto ceiling above (issue 13); this row shows how far the addon
 * moves the bound.
 */
async function ledgersVerifierRate(
  bench: Bench,
  envelopes: readonly TxEnvelope[],
  keyOf: ReadonlyMap<string, string>,
): Promise<Measurement[]> {
  const path = nativePathOf(bench);
  if (path === undefined) return [];
  const native = loadEd25519Native(path);
  const rate = await measureRate("Ed25519 tx verification, one core, the ledgers' verifier (addon)", 5, () => {
    for (const e of envelopes) {
      const verdict = native.verifyMany(
        Buffer.from(txIdBytes(e.body)),
        32,
        Buffer.from(e.sig, 'hex'),
        Buffer.from(keyOf.get(e.body.from) as string, 'hex'),
        native.VerifyMode.Cofactorless,
      );
      if (verdict[0] !== 1) throw new Error('bench tx does not verify with the addon');
    }
    return envelopes.length;
  });
  const cores = cpus().length;
  return [
    withNote(rate, bench.verifier.kind === 'native' ? bench.verifier.detail : ''),
    summarize(
      `verification ceiling with the addon = its single-core × ${cores} ÷ ${DEPARTMENTS}`,
      'tx/s',
      [(rate.median * cores) / DEPARTMENTS],
      'what the ledgers could commit if verifying were all they did',
    ),
  ];
}

/** The addon the ledgers verify with, or undefined when they use node:crypto. */
function nativePathOf(bench: Bench): string | undefined {
  return bench.verifier.kind === 'native' ? bench.verifier.path : undefined;
}

/**
 * Which is fairer on this machine: the three ledgers as three processes or
 * in one? Pairs of saturation runs, one per mode, each on freshly started
 * ledgers (same channel and databases), the order alternating from pair to
 * pair so that drift in the machine's other load hits both modes alike.
 */
async function compareModes(bench: Bench): Promise<void> {
  const { config } = bench;
  const n = compareTxs(config);
  const modes: LedgerMode[] = ['processes', 'in-process'];
  const rates = new Map<LedgerMode, number[]>(modes.map((m) => [m, []]));
  const cpu = new Map<LedgerMode, number[]>(modes.map((m) => [m, []]));
  const ratios: number[] = [];
  for (let pair = 0; pair < config.compareRuns; pair++) {
    const order = pair % 2 === 0 ? modes : [...modes].reverse();
    const pairRates = new Map<LedgerMode, number>();
    for (const mode of order) {
      await stopCluster(bench.cluster);
      bench.cluster = undefined;
      bench.cluster = await startCluster(bench, mode);
      await saturation(bench, 'direct', take(bench, COMPARE_WARMUP));
      const figures = await saturation(bench, 'direct', take(bench, n));
      rates.get(mode)?.push(figures.rate);
      cpu.get(mode)?.push((figures.cpu.processMs.reduce((a, b) => a + b, 0) * 1000) / n);
      pairRates.set(mode, figures.rate);
    }
    ratios.push((pairRates.get('in-process') as number) / (pairRates.get('processes') as number));
  }
  const row = (mode: LedgerMode, label: string): Measurement =>
    withNote(
      summarize(label, 'tx/s', rates.get(mode) as number[]),
      `client + 3 ledgers CPU ${median(cpu.get(mode) as number[]).toFixed(0)} µs/tx (median)`,
    );
  printTable(
    `One process or three? ${config.compareRuns} pair(s) of saturation runs, ${fmt(n)} txs each, order alternating`,
    [
      row('processes', 'three ledger processes'),
      row('in-process', 'three ledgers in one process'),
      summarize('one process ÷ three processes, per pair', '×', ratios),
    ],
  );
}

// ---------------------------------------------------------------- audit

interface AuditFigures {
  readonly rows: Measurement[];
  readonly seconds: number;
  readonly txs: number;
  /** Audit time ÷ bare verification time of the same signatures on all cores (median over the runs). */
  readonly ratio: number;
}

/** Seconds to verify every check bare on all cores; throws if any does not verify. */
async function bareVerifyAll(bench: Bench, checks: BareCheckSource): Promise<number> {
  const result = await bareVerify(checks, nativePathOf(bench));
  if (result.valid !== checks.length)
    throw new Error(`bare verification: ${checks.length - result.valid} of the chain's signatures do not verify`);
  return result.seconds;
}

/** The audit chain's tx signatures as bare checks: tx i is signed by senders[i % senders.length]; the signature ends its JCS. */
function bareChecks(bench: Bench, txs: SignedTxs): BareCheckSource {
  const keyOf = new Map(bench.departments.map((d) => [d.id, Buffer.from(d.keys.ed25519.publicKey, 'hex')]));
  const keys = bench.senders.map((s) => keyOf.get(s.id) as Buffer);
  // `{"body":…,"sig":"<128 hex>"}`: the signature is the 128 characters before the closing `"}`.
  const sigOf = (value: Uint8Array): Buffer =>
    Buffer.from(Buffer.from(value.buffer, value.byteOffset + value.length - 130, 128).toString('latin1'), 'hex');
  return {
    length: txs.length,
    check: (i) => ({
      key: keys[i % keys.length],
      message: Buffer.from(txs.txId(i), 'hex'),
      signature: sigOf(txs.value(i)),
    }),
  };
}

async function auditPhase(bench: Bench, verifyRate: number): Promise<AuditFigures> {
  const { config } = bench;
  const channel = `bench-audit-${bench.run}`;
  const topic = txTopic(channel);
  bench.topics.push(topic, attestTopic(channel));
  const [a, ...others] = bench.departments;
  const n = config.auditTxs;
  const rows: Measurement[] = [];
  console.log(`  audit: signing ${fmt(n)} txs for channel ${channel} ...`);

  const signStart = performance.now();
  const txs = await bench.signing.sign(channel, bench.senders, n);
  const signSeconds = (performance.now() - signStart) / 1000;
  rows.push(
    summarize(`client-side signing (${availableParallelism()} worker threads; not part of any figure below)`, 'tx/s', [
      n / signSeconds,
    ]),
  );

  const genesis = signTx(
    {
      v: 1,
      channel,
      type: 'channel.genesis',
      from: a.id,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: bench.departments.map((d) => ({
          id: d.id,
          ed25519: d.keys.ed25519.publicKey,
          x25519: d.keys.x25519.publicKey,
        })),
        policy: { maxTxPerBlock: POLICY.maxTxPerBlock, maxBlockBytes: POLICY.maxBlockBytes },
      },
    },
    ed25519Signer(a.keys.ed25519.privateKey),
  );
  await bench.bus.ensureTopic(topic);
  await bench.bus.publish(topic, [{ value: encodeEnvelope(genesis), headers: TX_HEADERS }]);
  const publishStart = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < n; start += 1000) {
    const messages = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) messages.push({ value: txs.value(i), headers: TX_HEADERS });
    inFlight.push(bench.bus.publish(topic, messages));
    if (inFlight.length >= PUBLISH_IN_FLIGHT) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  rows.push(
    summarize("publish the chain's txs to the channel topic", 'msg/s', [
      n / ((performance.now() - publishStart) / 1000),
    ]),
  );

  // One department's ledger on its own (as on its own machine), default worker count, catching up from offset 0.
  const schema = `bench_${bench.run}_audit`;
  bench.schemas.push(schema);
  const [node] = await startLedgerNodes(config.mode, [nodeSpec(bench, a, schema, [], undefined)]);
  const client = new LedgerApiClient(node.url, a.token);
  try {
    const loadStart = performance.now();
    await client.postJson(`/v1/channels/${channel}/follow`, {}, 200);
    let head: { height: number | null; nextOffset: number; finalHeight: number | null };
    for (;;) {
      await sleep(250);
      head = await client.getJson(`/v1/channels/${channel}/head`);
      if (head.nextOffset >= n + 1) break;
      if (performance.now() - loadStart > 30 * 60_000)
        throw new Error(`audit chain: still at offset ${head.nextOffset} of ${n + 1} after 30 min`);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const height = head.height as number;
    rows.push(
      summarize(
        'one ledger catching up on the chain from the log (read, verify, build, store)',
        'tx/s',
        [(n + 1) / loadSeconds],
        `${fmt(n + 1)} txs, ${height + 1} blocks in ${loadSeconds.toFixed(1)} s`,
      ),
    );

    // The other two members attest the same hashes (their ledgers would compute them from the same log), so the audit also compares attestations.
    const own = await readAttestations(bench.bus, channel, a.id, height + 1);
    const signers = others.map((d) => ({ id: d.id, signer: ed25519Signer(d.keys.ed25519.privateKey) }));
    const theirs = own.flatMap((att) =>
      signers.map((s) => ({ value: encodeAttestation(signAttestation({ ...att, from: s.id }, s.signer)) })),
    );
    for (let i = 0; i < theirs.length; i += 1000)
      await bench.bus.publish(attestTopic(channel), theirs.slice(i, i + 1000));
    const finalStart = performance.now();
    while (head.finalHeight !== height) {
      await sleep(250);
      head = await client.getJson(`/v1/channels/${channel}/head`);
      if (performance.now() - finalStart > 120_000)
        throw new Error(`audit chain: final height ${head.finalHeight}, head ${height} after 120 s`);
    }

    const checks = bareChecks(bench, txs);
    const durations: number[] = [];
    const bare: number[] = [];
    // CPU seconds of the ledger process during the audit and of the bench process during the bare verification after it: less sensitive than wall time to the shared machine's load.
    const auditCpu: number[] = [];
    const bareCpu: number[] = [];
    for (let r = 0; r < config.auditRuns; r++) {
      // The same signatures verified bare on all cores right before and right after the audit (the mean of the two), so that drift in the shared machine's load hits both alike.
      const before = await bareVerifyAll(bench, checks);
      const ledgerCpuMs = sampleCpu([node.pid]).processMs[0];
      const t = performance.now();
      const report = await client.postJson<{
        ok: boolean;
        txs: number;
        blocks: number;
        durationMs: number;
        code?: string;
        reason?: string;
      }>(`/v1/channels/${channel}/audit`, {}, 200);
      const wall = performance.now() - t;
      if (!report.ok || report.txs !== n + 1)
        throw new Error(`audit of the generated chain failed: ${JSON.stringify(report)}`);
      durations.push(wall / 1000);
      auditCpu.push((sampleCpu([node.pid]).processMs[0] - ledgerCpuMs) / 1000);
      const benchCpuMs = sampleCpu([undefined]).processMs[0];
      bare.push((before + (await bareVerifyAll(bench, checks))) / 2);
      bareCpu.push((sampleCpu([undefined]).processMs[0] - benchCpuMs) / 1000);
    }
    const seconds = median(durations);
    const ratios = durations.map((d, i) => d / bare[i]);
    rows.push(
      summarize(
        `audit POST /v1/channels/:channel/audit, ${fmt(n + 1)} txs, ${height + 1} blocks`,
        's',
        durations,
        `target < ${TARGETS.auditSeconds} s for 1,000,000 txs`,
      ),
    );
    rows.push(
      summarize(
        'audit rate (txs re-verified: hashes, Merkle roots, links, signatures, attestations)',
        'tx/s',
        durations.map((s) => (n + 1) / s),
      ),
    );
    rows.push(
      summarize(
        `bare verification of the same ${fmt(checks.length)} signatures on all cores (${availableParallelism()} worker threads, ${bench.verifier.kind === 'native' ? 'the Ed25519 addon' : 'node:crypto, cached keys'}: the pool's primitive)`,
        's',
        bare,
        'mean of one run right before and one right after each audit',
      ),
    );
    rows.push(
      summarize('audit ÷ bare verification of its signatures', '×', ratios, `target ≤ ${TARGETS.auditBareRatio}×`),
    );
    if (node.pid !== undefined)
      rows.push(
        summarize(
          'CPU of the ledger during the audit ÷ CPU of the bare verification',
          '×',
          auditCpu.map((c, i) => c / bareCpu[i]),
          `${auditCpu.map((c) => c.toFixed(1)).join(', ')} s vs ${bareCpu.map((c) => c.toFixed(1)).join(', ')} s (the ledger's idle work included)`,
        ),
      );
    rows.push(
      summarize(
        `signature floor of the audit = txs ÷ (single-core verify × ${cpus().length} cores)`,
        's',
        [(n + 1) / (verifyRate * cpus().length)],
        'what re-verifying the signatures alone costs at best',
      ),
    );
    return { rows, seconds, txs: n + 1, ratio: median(ratios) };
  } finally {
    client.close();
    await node.stop();
  }
}

/** The block attestations `from` published for heights 0 .. count-1 (waits until they are all there). */
async function readAttestations(
  bus: EventBus,
  channel: string,
  from: string,
  count: number,
): Promise<{ v: 1; channel: string; height: number; blockHash: string; kind: 'block' }[]> {
  const found = new Map<number, { v: 1; channel: string; height: number; blockHash: string; kind: 'block' }>();
  let offset = 0;
  const deadline = performance.now() + 120_000;
  while (found.size < count) {
    const batch = await bus.read(attestTopic(channel), offset, 5000);
    if (batch.length === 0) {
      if (performance.now() > deadline)
        throw new Error(`only ${found.size} of ${count} attestations of ${from} on ${attestTopic(channel)}`);
      await sleep(100);
      continue;
    }
    for (const m of batch) {
      const decoded = decodeAttestationEvent(m.value);
      if (!decoded.ok) throw new Error(`record ${m.offset} of ${m.topic}: ${decoded.failure.message}`);
      const { body } = decoded.event;
      if (body.from === from && body.kind === 'block')
        found.set(body.height, { v: 1, channel, height: body.height, blockHash: body.blockHash, kind: 'block' });
    }
    offset = batch[batch.length - 1].offset + 1;
  }
  return [...found.values()];
}

/**
 * The HTTP submission path: saturation with one envelope per request and
 * with batches (committed tx/s as a share of the direct-topic saturation
 * rate of the same run), then open-loop runs at fixed offered rates
 * (BENCH_HTTP_RATES and 30% of the verification ceiling) with the due txs gathered for up to 20 ms
 * and sent as one batch per ledger, and with one request per tx.
 * Returns the target rows.
 */
async function httpPhase(bench: Bench, directRate: number, ceiling: number): Promise<Measurement[]> {
  const { config } = bench;
  const share = (rate: number): string =>
    Number.isFinite(directRate) ? `${((rate / directRate) * 100).toFixed(0)}% of the direct-topic rate` : '';
  const single = await saturation(bench, 'http', take(bench, httpSaturationTxs(config)));
  const batched = await saturation(bench, 'http-batch', take(bench, httpBatchSaturationTxs(config)));
  printTable(`Saturation through the HTTP submission path (${config.mode})`, [
    summarize(
      `one envelope per request (${HTTP_CONCURRENCY} concurrent), ${fmt(httpSaturationTxs(config))} txs: committed at all 3`,
      'tx/s',
      [single.rate],
      [share(single.rate), cpuNote(single, httpSaturationTxs(config), config.mode)].filter((n) => n !== '').join('; '),
    ),
    summarize('  accepted by the API (202 answers)', 'tx/s', [single.acceptRate]),
    summarize(
      `batches of ${config.httpBatch} (${HTTP_BATCHES_IN_FLIGHT_PER_LEDGER} in flight per ledger), ${fmt(httpBatchSaturationTxs(config))} txs: committed at all 3`,
      'tx/s',
      [batched.rate],
      [share(batched.rate), cpuNote(batched, httpBatchSaturationTxs(config), config.mode)]
        .filter((n) => n !== '')
        .join('; '),
    ),
    summarize('  accepted by the API', 'tx/s', [batched.acceptRate]),
  ]);
  console.log(`  one per request, ${single.pipeline}`);
  console.log(`  batches, ${batched.pipeline}`);

  const targetRate = Math.round(ceiling * HTTP_LATENCY_CEILING_SHARE);
  const rows: Measurement[] = [];
  const notes: string[] = [];
  let p99AtTarget = Number.NaN;
  for (const path of ['http-batch', 'http'] as const) {
    let kept = true;
    for (const rate of httpLatencyRates(config, ceiling)) {
      const count = rate * config.rateSeconds;
      const label = `${path === 'http' ? 'one per request' : `batches every ${HTTP_BATCH_LINGER_MS} ms`}, ${fmt(rate)} tx/s${rate === targetRate ? ' (30% of ceiling)' : ''}`;
      if (!kept) {
        rows.push(summarize(`${label}: skipped`, 'tx/s', [Number.NaN], 'a lower rate was already not sustained'));
        bench.used += count;
        continue;
      }
      await sleep(config.scale < 0.5 ? 500 : 2000);
      const figures = await paced(bench, path, rate, take(bench, count));
      kept = sustained(figures, rate, count);
      const p99 = percentile(figures.outcome.latencies, 99);
      if (path === 'http-batch' && rate === targetRate) p99AtTarget = p99;
      rows.push(summarize(`${label}: committed`, 'tx/s', [figures.rate], cpuNote(figures, count, config.mode)));
      rows.push(summarize('  submit→commit at all 3, p50', 'ms', [percentile(figures.outcome.latencies, 50)]));
      rows.push(
        summarize(
          '  submit→commit at all 3, p99',
          'ms',
          [p99],
          rate === targetRate ? `target < ${TARGETS.httpP99Ms} ms` : '',
        ),
      );
      notes.push(`  ${label}, ${figures.pipeline}`);
    }
  }
  printTable(
    `Fixed offered rates over HTTP (${config.mode}; open loop for ${config.rateSeconds} s each, latency from the scheduled send time)`,
    rows,
  );
  for (const note of notes) console.log(note);

  const targets: Measurement[] = [];
  if (Number.isFinite(directRate)) {
    targets.push(
      withNote(
        summarize('HTTP batches: committed tx/s ÷ direct-topic rate', '%', [(batched.rate / directRate) * 100]),
        verdict(batched.rate / directRate >= TARGETS.httpBatchShare, `≥ ${TARGETS.httpBatchShare * 100}%`),
      ),
      withNote(
        summarize('HTTP one per request: committed tx/s ÷ direct-topic rate', '%', [(single.rate / directRate) * 100]),
        verdict(single.rate / directRate >= TARGETS.httpSingleShare, `≥ ${TARGETS.httpSingleShare * 100}%`),
      ),
    );
  }
  if (Number.isFinite(p99AtTarget)) {
    targets.push(
      withNote(
        summarize(`p99 submit→commit over HTTP (batches) at ${fmt(targetRate)} tx/s = 30% of ceiling`, 'ms', [
          p99AtTarget,
        ]),
        verdict(p99AtTarget < TARGETS.httpP99Ms, `< ${TARGETS.httpP99Ms} ms`),
      ),
    );
  }
  return targets;
}

/** BENCH_HTTP_RATES plus 30% of the verification ceiling (when measured), ascending. */
function httpLatencyRates(config: LedgerBenchConfig, ceiling: number): number[] {
  const rates = new Set(config.httpRates);
  if (Number.isFinite(ceiling)) rates.add(Math.max(1, Math.round(ceiling * HTTP_LATENCY_CEILING_SHARE)));
  return [...rates].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- main

function plannedTxs(config: LedgerBenchConfig): number {
  const saturations = config.saturationRuns + (config.phases.has('http') ? HTTP_SHARE + HTTP_BATCH_SHARE : 0);
  const paced =
    (config.phases.has('rates') ? config.rates.reduce((sum, r) => sum + r * config.rateSeconds, 0) : 0) +
    (config.phases.has('http') ? 2 * httpLatencyTxs(config) : 0);
  const comparison = config.compareModes ? config.compareRuns * 2 * (COMPARE_WARMUP + compareTxs(config)) : 0;
  return warmupTxs(config) + Math.ceil(saturations * config.saturationTxs) + paced + comparison;
}

/** Each run of the mode comparison offers half a saturation run's txs, after a short warm-up on the fresh ledgers. */
const compareTxs = (config: LedgerBenchConfig): number => Math.round(config.saturationTxs / 2);
const COMPARE_WARMUP = 1000;

/** The HTTP saturation run offers this share of a direct run's txs (the API path is much slower). */
const HTTP_SHARE = 0.1;
const httpSaturationTxs = (config: LedgerBenchConfig): number => Math.round(config.saturationTxs * HTTP_SHARE);
/** The batch saturation run over HTTP offers this share of a direct run's txs. */
const HTTP_BATCH_SHARE = 0.5;
const httpBatchSaturationTxs = (config: LedgerBenchConfig): number =>
  Math.round(config.saturationTxs * HTTP_BATCH_SHARE);
/**
 * Txs of one pass over the HTTP latency rates, planned before the ceiling
 * is measured: the 30%-of-ceiling rate is bounded by 30% of all cores at
 * 13,000 verifications/s each ÷ 3 departments (the fastest single-core rate seen).
 */
const httpLatencyTxs = (config: LedgerBenchConfig): number =>
  httpLatencyRates(config, (13_000 * cpus().length) / DEPARTMENTS).reduce((sum, r) => sum + r * config.rateSeconds, 0);
const warmupTxs = (config: LedgerBenchConfig): number =>
  Math.min(5000, Math.max(500, Math.round(config.saturationTxs / 10)));

async function dropSchemas(pgUrl: string, schemas: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const config = loadLedgerBenchConfig();
  /** A smoke run: shorter pauses. */
  const quick = config.scale < 0.5;
  const run = randomBytes(3).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'accord-ledger-bench-'));
  const departments = await makeDepartments(dir, run);
  const bus = await createEventBus({
    kind: 'kafka',
    brokers: [...config.kafkaBrokers],
    clientId: `bench-ledger-${run}`,
    logger: silentEventBusLogger,
  });
  const channel = `bench-${run}`;
  const bench: Bench = {
    config,
    verifier: resolveEd25519Backend(process.env[ED25519_NATIVE_ENV]),
    run,
    channel,
    departments,
    senders: departments.map((d) => ({ id: d.id, privateKey: d.keys.ed25519.privateKey })),
    bus,
    tracker: new CommitTracker(
      bus,
      departments.map((d) => d.id),
      `bench-${run}`,
    ),
    signing: new TxSigningPool(),
    schemas: [],
    topics: [
      txTopic(channel),
      attestTopic(channel),
      ...departments.map((d) => blocksTopic(d.id)),
      ...departments.map((d) => deadLetterTopic(d.id, TRACKER_CONSUMER)),
    ],
    used: 0,
  };
  const cpu = cpus();
  console.log(
    `Ledger benchmark ${run}: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at start`,
  );
  console.log(
    `  scale ${config.scale}; ledgers: ${config.mode}, ACCORD_LEDGER_SIG_WORKERS=${config.sigWorkers}, ACCORD_LEDGER_BLOCK_GROUP_COMMIT=${config.groupCommit}`,
  );
  console.log(`  channel ${channel}: alliance of 3, policy ${JSON.stringify(policyOf(config))}`);
  const summary: Measurement[] = [];
  try {
    const planned = plannedTxs(config);
    const signStart = performance.now();
    bench.txs = await bench.signing.sign(channel, bench.senders, planned);
    console.log(
      `  pre-signed ${fmt(planned)} txs (${Math.round(bench.txs.bytes / planned)} B each) in ${((performance.now() - signStart) / 1000).toFixed(1)} s`,
    );

    let ceiling = Number.NaN;
    let verifyRate = Number.NaN;
    let rawKafka = Number.NaN;
    if (config.phases.has('baselines') || config.phases.has('audit')) {
      const sample = bench.txs.slice(0, Math.min(bench.txs.length, Math.max(2000, Math.round(20_000 * config.scale))));
      const base = await baselines(bench, sample);
      ceiling = base.ceiling;
      rawKafka = base.rawKafka;
      verifyRate = base.rows[0].median;
      printTable('Baselines (measured in this run, before the ledgers start)', base.rows);
    }

    await bench.tracker.start();
    bench.cluster = await startCluster(bench, config.mode);
    await createChannel(bench, bench.cluster);
    await saturation(bench, 'direct', take(bench, warmupTxs(config)));
    const idle = await idleCpu(bench.cluster, quick);
    console.log(`  ${idle.note}`);
    summary.push(
      withNote(
        summarize('ledger CPU while idle (channel followed, no traffic)', '% core', idle.shares),
        verdict(Math.max(...idle.shares) < TARGETS.idleCorePercent, `< ${TARGETS.idleCorePercent}% each`),
      ),
    );

    let directRate = Number.NaN;
    if (config.phases.has('saturation')) {
      const runs: RunFigures[] = [];
      for (let r = 0; r < config.saturationRuns; r++)
        runs.push(await saturation(bench, 'direct', take(bench, config.saturationTxs)));
      const row = summarize(
        `committed at all 3 departments, direct topic publish, ${fmt(config.saturationTxs)} txs per run`,
        'tx/s',
        runs.map((r) => r.rate),
      );
      directRate = row.median;
      const mid = runs.slice().sort((x, y) => x.rate - y.rate)[Math.floor((runs.length - 1) / 2)];
      printTable(`Saturation (${config.mode}): as fast as the topic takes them`, [
        withNote(
          row,
          `${((row.median / ceiling) * 100).toFixed(0)}% of the verification ceiling; ${(row.median / rawKafka).toFixed(2)}× raw kafkajs`,
        ),
        summarize(
          '  latency p50 of those txs (includes queueing behind the whole batch)',
          'ms',
          runs.map((r) => percentile(r.outcome.latencies, 50)),
          cpuNote(mid, config.saturationTxs, config.mode),
        ),
      ]);
      console.log(`  median run, ${mid.pipeline}`);
      summary.push(
        withNote(
          summarize(
            `committed tx/s (saturation, direct)`,
            'tx/s',
            runs.map((r) => r.rate),
          ),
          ceiling >= TARGETS.ceilingForAbsolute
            ? verdict(row.median >= TARGETS.committedTxPerSecond, `≥ ${fmt(TARGETS.committedTxPerSecond)}`)
            : `n/a: the ceiling ${fmt(ceiling)} < ${fmt(TARGETS.ceilingForAbsolute)} (target ≥ ${fmt(TARGETS.committedTxPerSecond)} on a run whose ceiling is ≥ ${fmt(TARGETS.ceilingForAbsolute)})`,
        ),
      );
      if (Number.isFinite(ceiling)) {
        summary.push(
          withNote(
            summarize(
              'committed tx/s ÷ verification ceiling',
              '%',
              runs.map((r) => (r.rate / ceiling) * 100),
            ),
            verdict(row.median / ceiling >= TARGETS.ceilingShare, `≥ ${TARGETS.ceilingShare * 100}%`),
          ),
        );
      }
    }

    let p99AtThousand = Number.NaN;
    const pacedTable = async (path: 'direct' | 'http'): Promise<void> => {
      const rows: Measurement[] = [];
      const notes: string[] = [];
      let kept = true;
      for (const rate of config.rates) {
        if (!kept) {
          rows.push(
            summarize(
              `${path}, ${fmt(rate)} tx/s offered: skipped`,
              'tx/s',
              [Number.NaN],
              'a lower rate was already not sustained',
            ),
          );
          bench.used += rate * config.rateSeconds;
          continue;
        }
        // Let the previous run's background work (attestations, finality) settle first.
        await sleep(quick ? 500 : 2000);
        const figures = await paced(bench, path, rate, take(bench, rate * config.rateSeconds));
        // Once a rate is not sustained, higher ones would only queue longer (and take minutes to drain).
        kept = sustained(figures, rate, rate * config.rateSeconds);
        const p50 = percentile(figures.outcome.latencies, 50);
        const p99 = percentile(figures.outcome.latencies, 99);
        if (path === 'direct' && rate === 1000) p99AtThousand = p99;
        rows.push(
          summarize(
            `${path}, ${fmt(rate)} tx/s offered for ${config.rateSeconds} s: committed`,
            'tx/s',
            [figures.rate],
            cpuNote(figures, rate * config.rateSeconds, config.mode),
          ),
        );
        rows.push(
          summarize(
            `  submit→commit at all 3, p50`,
            'ms',
            [p50],
            `first department p50 ${percentile(figures.outcome.firstLatencies, 50).toFixed(0)} ms`,
          ),
        );
        notes.push(`  ${fmt(rate)} tx/s, ${figures.pipeline}`);
        rows.push(
          summarize(
            `  submit→commit at all 3, p99`,
            'ms',
            [p99],
            rate === 1000 ? `target < ${TARGETS.p99AtThousandMs} ms` : '',
          ),
        );
      }
      printTable(
        `Fixed offered rates, ${path === 'direct' ? 'direct topic publish' : 'HTTP POST /v1/channels/:channel/txs (round robin over the 3 ledgers)'} (${config.mode}; open loop, latency from the scheduled send time)`,
        rows,
      );
      for (const note of notes) console.log(note);
    };
    if (config.phases.has('rates')) {
      await pacedTable('direct');
      if (config.rates.includes(1000)) {
        summary.push(
          withNote(
            summarize('p99 submit→commit at 1,000 tx/s offered (direct)', 'ms', [p99AtThousand]),
            verdict(p99AtThousand < TARGETS.p99AtThousandMs, `< ${TARGETS.p99AtThousandMs} ms`),
          ),
        );
      }
    }
    if (config.phases.has('http')) summary.push(...(await httpPhase(bench, directRate, ceiling)));

    if (config.compareModes && config.phases.has('saturation')) {
      try {
        await compareModes(bench);
      } catch (error) {
        // The comparison is secondary: report it and go on to the audit.
        console.log(
          `\nThe one-process / three-process comparison failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        bench.tracker.reset();
      }
    }
    await stopCluster(bench.cluster);
    bench.cluster = undefined;
    await bench.tracker.stop();

    if (config.phases.has('audit')) {
      const audit = await auditPhase(bench, verifyRate);
      printTable(
        `Audit of a ${fmt(audit.txs)}-tx chain (${config.mode}; one ledger, ACCORD_LEDGER_SIG_WORKERS default = ${availableParallelism()})`,
        audit.rows,
      );
      const projected = (audit.seconds * TARGETS.auditTxs) / audit.txs;
      summary.push(
        withNote(
          summarize(
            `audit of ${fmt(audit.txs)} txs${audit.txs === TARGETS.auditTxs ? '' : ` (projected to 1,000,000: ${projected.toFixed(1)} s)`}`,
            's',
            [audit.seconds],
          ),
          verdict(projected < TARGETS.auditSeconds, `< ${TARGETS.auditSeconds} s for 1,000,000`),
        ),
      );
      summary.push(
        withNote(
          summarize('audit ÷ bare verification of the same signatures on all cores', '×', [audit.ratio]),
          verdict(audit.ratio <= TARGETS.auditBareRatio, `≤ ${TARGETS.auditBareRatio}×`),
        ),
      );
    }
    if (summary.length > 0) printTable("Targets (issue 13; the p99 at 1,000 tx/s row is issue 3's)", summary);
    console.log(
      `\n  ${((performance.now() - benchStart) / 60_000).toFixed(1)} min in all; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (the machine is shared; figures are informative)`,
    );
  } finally {
    const cleanup = performance.now();
    await stopCluster(bench.cluster).catch((e: unknown) => console.error('stopping the ledgers failed:', e));
    await bench.tracker.stop().catch(() => undefined);
    await bench.signing.close();
    await bus.close();
    await dropSchemas(config.pgUrl, bench.schemas).catch((e: unknown) =>
      console.error('dropping the bench schemas failed:', e),
    );
    await deleteTopics(config.kafkaBrokers, bench.topics).catch((e: unknown) =>
      console.error('deleting the bench topics failed:', e),
    );
    await rm(dir, { recursive: true, force: true });
    console.log(
      `  cleaned up (schemas dropped, topics deleted) in ${((performance.now() - cleanup) / 1000).toFixed(1)} s`,
    );
  }
}

function verdict(pass: boolean, target: string): string {
  return `${pass ? 'PASS' : 'MISS'} (target ${target})`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
