/**
 * Storage gateway benchmark (issue 10, item 9; docs/benchmarks.md "Storage
 * gateway"). Two departments, each with its ledger, contracts service and
 * storage gateway in processes of their own on the real PostgreSQL, Kafka
 * and MinIO. Measures, beside the raw `minio` client storing and reading
 * the same bytes in the same run: tus upload and download through the
 * gateway (encrypt + hash + Merkle + MinIO), the time to a committed
 * anchor, the gateway's peak RSS at two object sizes, random 1 MiB range
 * reads, and a verified cross-department transfer. Prints tables; asserts
 * nothing.
 * Run: `node tools/bench/dist/storage-gateway.bench.js` (after sourcing
 * infra.env), or `bash scripts/bench.sh storage-gateway`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { attestTopic, blocksTopic, decisionsTopic, txTopic } from '@accord/events';
import type { JsonObject } from '@accord/protocol';
import { ODRL_CONTEXT } from '@accord/rules';
import { median, percentile } from './bench-stats';
import {
  makeDepartment,
  startDepartments,
  TxSubmitter,
  type BenchDepartment,
  type RunningDepartment,
} from './gateway-departments';
import { closeAgent, GatewayClient } from './gateway-http.client';
import { RawMinio } from './gateway-minio.baseline';
import { Keystream } from './gateway-random-bytes';
import { memoryOf, RssSampler } from './gateway-rss.sampler';
import { deleteTopics } from './kafka-baseline';
import { loadStorageGatewayBenchConfig, type StorageGatewayBenchConfig } from './storage-gateway-bench.config';

const MIB = 1024 * 1024;
const TARGETS = { throughputRatio: 0.7, peakRssBytes: 200 * MIB };
const WAIT_MS = 120_000;
const POLL_MS = 50;

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
const sizeLabel = (bytes: number): string =>
  bytes >= 1024 * MIB
    ? `${(bytes / (1024 * MIB)).toFixed(bytes % (1024 * MIB) === 0 ? 0 : 2)} GiB`
    : `${Math.round(bytes / MIB)} MiB`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One printed line: a figure, optionally beside its baseline from the same run, and its target. */
interface Row {
  readonly figure: string;
  readonly value: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly target?: string;
}

function printRows(title: string, rows: readonly Row[]): void {
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const lines = rows.map((r) => [r.figure, r.value, r.baseline ?? '', r.ratio ?? '', r.target ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(`\n${title}`);
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

function ratioRow(figure: string, bytes: number, ms: number, baselineMs: number, baselineName: string): Row {
  const ratio = mbps(bytes, ms) / mbps(bytes, baselineMs);
  return {
    figure,
    value: `${mbps(bytes, ms).toFixed(0)} MB/s (${(ms / 1000).toFixed(1)} s)`,
    baseline: `${baselineName} ${mbps(bytes, baselineMs).toFixed(0)} MB/s`,
    ratio: `${(ratio * 100).toFixed(0)}%`,
    target: `≥ ${TARGETS.throughputRatio * 100}% ${ratio >= TARGETS.throughputRatio ? 'met' : 'MISSED'}`,
  };
}

function rssRow(figure: string, peak: number): Row {
  return {
    figure,
    value: `${(peak / MIB).toFixed(0)} MiB`,
    target: `< ${TARGETS.peakRssBytes / MIB} MiB ${peak < TARGETS.peakRssBytes ? 'met' : 'MISSED'}`,
  };
}

/** An ODRL offer with no constraint: any member, any purpose, granted on request. */
const OPEN_POLICY: JsonObject = { '@context': ODRL_CONTEXT, '@type': 'Offer', permission: [{ action: 'use' }] };

function registration(name: string, dataType: string, volumeBytes: number): JsonObject {
  return {
    name,
    title: `Benchmark dataset ${name}`,
    domain: 'transport',
    dataType,
    sensitivity: 'internal',
    volumeBytes,
    updateFrequency: 'once',
    governance: 'light',
    contentHash: randomBytes(32).toString('hex'),
    policy: OPEN_POLICY,
  };
}

/** Polls `probe` until it returns a value (or throws after WAIT_MS). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

async function rowsOf(db: Client, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows as Record<string, unknown>[];
}

interface SizeFigures {
  readonly size: number;
  readonly rows: Row[];
  readonly objectId: string;
  readonly rawKey: string;
}

/** Raw put/get, then gateway upload (to a committed anchor) and download of one object size. */
async function measureSize(
  config: StorageGatewayBenchConfig,
  raw: RawMinio,
  rawBucket: string,
  provider: RunningDepartment,
  channel: string,
  size: number,
  version: number,
): Promise<SizeFigures> {
  const label = sizeLabel(size);
  const seed = `bench-${size}`;
  const rawKey = `raw-${size}`;
  console.log(`  ${label}: raw putObject ...`);
  const putMs = await raw.put(rawBucket, rawKey, size, new Keystream(seed));
  console.log(`  ${label}: raw getObject ...`);
  const got = await raw.get(rawBucket, rawKey);
  if (got.bytes !== size) throw new Error(`raw getObject gave ${got.bytes} of ${size} bytes`);

  const gateway = new GatewayClient(provider.gateway.url, provider.token);
  const sampler = new RssSampler(provider.gateway.pid, config.rssSampleMs);
  console.log(`  ${label}: tus upload through the gateway ...`);
  sampler.start();
  const uploadStart = performance.now();
  const uploaded = await gateway.tusUpload(
    size,
    new Keystream(seed),
    {
      channel,
      dataset: `${provider.id}/video`,
      version: String(version),
      mediaType: 'video/mp4',
      filename: `${seed}.mp4`,
    },
    config.patchBytes,
  );
  const uploadMs = performance.now() - uploadStart;
  const uploadRss = sampler.stop();
  const anchorStart = performance.now();
  await waitFor(`object ${uploaded.objectId} to be available`, async () => {
    const object = await gateway.getJson<{ status: string }>(`/v1/objects/${uploaded.objectId}`);
    return object.status === 'available' ? true : undefined;
  });
  const anchorMs = performance.now() - anchorStart;

  console.log(`  ${label}: download through the gateway ...`);
  sampler.start();
  const downloaded = await gateway.drain(`/v1/objects/${uploaded.objectId}/content`);
  const downloadRss = sampler.stop();
  if (downloaded.bytes !== size) throw new Error(`gateway download gave ${downloaded.bytes} of ${size} bytes`);

  return {
    size,
    objectId: uploaded.objectId,
    rawKey,
    rows: [
      ratioRow(`upload ${label} (tus, until the last PATCH answered)`, size, uploadMs, putMs, 'raw putObject'),
      { figure: `  then anchor committed (object available)`, value: `${anchorMs.toFixed(0)} ms` },
      ratioRow(`download ${label} (GET content, drained)`, size, downloaded.ms, got.ms, 'raw getObject'),
      rssRow(`gateway peak RSS during upload ${label} (${uploadRss.samples} samples)`, uploadRss.peak),
      rssRow(`gateway peak RSS during download ${label} (${downloadRss.samples} samples)`, downloadRss.peak),
    ],
  };
}

/** `count` random ranges of `length` bytes within `size`, `concurrency` at a time; each read's latency. */
async function rangeReads(
  size: number,
  length: number,
  count: number,
  concurrency: number,
  read: (start: number) => Promise<{ bytes: number; ms: number }>,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const from = Math.floor(Math.random() * (size - length + 1));
      const r = await read(from);
      if (r.bytes !== length) throw new Error(`range read gave ${r.bytes} of ${length} bytes`);
      latencies.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: count / seconds, p50: median(latencies), p99: percentile(latencies, 99) };
}

async function measureRanges(
  config: StorageGatewayBenchConfig,
  raw: RawMinio,
  rawBucket: string,
  provider: RunningDepartment,
  largest: SizeFigures,
): Promise<Row[]> {
  const { rangeBytes: length, rangeReads: count, rangeConcurrency: concurrency } = config;
  const gateway = new GatewayClient(provider.gateway.url, provider.token);
  console.log(`  ${count} random 1 MiB ranges, raw getPartialObject then gateway ...`);
  const base = await rangeReads(largest.size, length, count, concurrency, (start) =>
    raw.get(rawBucket, largest.rawKey, { start, length }),
  );
  const gw = await rangeReads(largest.size, length, count, concurrency, (start) =>
    gateway.drain(`/v1/objects/${largest.objectId}/content`, `bytes=${start}-${start + length - 1}`),
  );
  return [
    {
      figure: `random 1 MiB range reads of ${sizeLabel(largest.size)} (${count}, ${concurrency} in flight)`,
      value: `${gw.perSecond.toFixed(0)} reads/s`,
      baseline: `raw getPartialObject ${base.perSecond.toFixed(0)} reads/s`,
      ratio: `${((gw.perSecond / base.perSecond) * 100).toFixed(0)}%`,
    },
    {
      figure: '  latency p50 / p99',
      value: `${gw.p50.toFixed(1)} / ${gw.p99.toFixed(1)} ms`,
      baseline: `${base.p50.toFixed(1)} / ${base.p99.toFixed(1)} ms`,
    },
  ];
}

/** b's gateway fetches a's latest object of a/video under a grant, verifies it and stores it in b's bucket. */
async function measureTransfer(
  config: StorageGatewayBenchConfig,
  db: Client,
  txs: TxSubmitter,
  provider: RunningDepartment,
  requester: RunningDepartment,
  largest: SizeFigures,
  rawPutMs: number,
): Promise<Row[]> {
  const grant = await txs.send(requester, 'access.request', {
    dataset: `${provider.id}/video`,
    purpose: 'planning',
    durationMs: 3_600_000,
  });
  for (const d of [provider, requester])
    await waitFor(`grant ${grant.slice(0, 12)} at ${d.id}'s gateway`, async () => {
      const rows = await rowsOf(db, `SELECT status FROM "${d.schemas.gateway}".gateway_grant WHERE grant_id = $1`, [
        grant,
      ]);
      return rows[0]?.status === 'active' ? true : undefined;
    });
  const client = new GatewayClient(requester.gateway.url, requester.token);
  const samplers = [provider, requester].map((d) => new RssSampler(d.gateway.pid, config.rssSampleMs));
  console.log(`  transfer of ${sizeLabel(largest.size)} from ${provider.id} to ${requester.id} ...`);
  for (const s of samplers) s.start();
  const start = performance.now();
  const started = await client.postJson<{ transferId: string }>('/v1/transfers', { grant }, 202);
  const done = await waitFor('the transfer to end', async () => {
    const view = await client.getJson<{ status: string; bytesVerified: number; error: unknown }>(
      `/v1/transfers/${started.transferId}`,
    );
    return view.status === 'running' ? undefined : view;
  });
  const ms = performance.now() - start;
  const [providerRss, requesterRss] = samplers.map((s) => s.stop());
  if (done.status !== 'completed' || done.bytesVerified !== largest.size)
    throw new Error(`transfer ended ${done.status}: ${JSON.stringify(done)}`);
  return [
    ratioRow(
      `transfer ${sizeLabel(largest.size)} a→b (signed, verified chunk by chunk, stored in b's MinIO)`,
      largest.size,
      ms,
      rawPutMs,
      'raw putObject',
    ),
    rssRow('  provider gateway peak RSS during the transfer', providerRss?.peak ?? 0),
    rssRow('  requester gateway peak RSS during the transfer', requesterRss?.peak ?? 0),
  ];
}

async function cleanUp(
  config: StorageGatewayBenchConfig,
  raw: RawMinio,
  buckets: readonly string[],
  departments: readonly BenchDepartment[],
  channel: string,
): Promise<void> {
  const db = new Client({ connectionString: config.pgUrl });
  await db.connect();
  try {
    for (const d of departments)
      for (const schema of Object.values(d.schemas)) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
  for (const bucket of buckets)
    await raw.removeBucket(bucket).catch((e: unknown) => console.error(`bucket ${bucket}:`, e));
  const topics = [
    txTopic(channel),
    attestTopic(channel),
    ...departments.flatMap((d) => [blocksTopic(d.id), decisionsTopic(d.id)]),
  ];
  await deleteTopics(config.kafkaBrokers, topics).catch((e: unknown) => console.error('deleting topics:', e));
}

async function main(): Promise<void> {
  const config = loadStorageGatewayBenchConfig();
  const run = randomBytes(4).toString('hex');
  const channel = `bench-gw-${run}`;
  const dir = await mkdtemp(join(tmpdir(), 'accord-bench-gw-'));
  const raw = new RawMinio(config.minio);
  const rawBucket = `bench-gw-${run}-raw`;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Storage gateway benchmark: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}; ` +
      `objects ${config.sizes.map(sizeLabel).join(' and ')}; tus PATCH ${config.patchBytes === 0 ? 'one per object' : sizeLabel(config.patchBytes)}; channel ${channel}`,
  );
  const departments = [await makeDepartment(dir, run, 'a'), await makeDepartment(dir, run, 'b')];
  const buckets = [rawBucket, ...departments.map((d) => d.bucket)];
  const services: { stop(): Promise<void> }[] = [];
  const db = new Client({ connectionString: config.pgUrl });
  await db.connect();
  try {
    await raw.makeBucket(rawBucket);
    const bootStart = performance.now();
    const [provider, requester] = (await startDepartments(config, channel, departments, services)) as [
      RunningDepartment,
      RunningDepartment,
    ];
    const txs = new TxSubmitter(provider.ledger.url, provider.token, channel);
    await txs.createChannel(departments);
    for (const d of [provider, requester])
      await waitFor(`${d.id}'s gateway to project ${channel}`, async () => {
        const rows = await rowsOf(db, `SELECT config FROM "${d.schemas.gateway}".gateway_channel WHERE channel = $1`, [
          channel,
        ]);
        return rows[0]?.config ? true : undefined;
      });
    await txs.send(provider, 'dataset.register', registration('video', 'video', config.sizes.at(-1) ?? 0));
    // Requests cost points: the requester earns its own by registering a dataset.
    await txs.send(requester, 'dataset.register', registration('own', 'record', 0));
    const idle = [provider, requester].map((d) => memoryOf(d.gateway.pid)?.rss ?? 0);
    console.log(
      `  2 departments up in ${((performance.now() - bootStart) / 1000).toFixed(1)} s; idle gateway RSS ${idle.map((b) => `${(b / MIB).toFixed(0)} MiB`).join(', ')}`,
    );

    const figures: SizeFigures[] = [];
    for (const [i, size] of config.sizes.entries())
      figures.push(await measureSize(config, raw, rawBucket, provider, channel, size, i + 1));
    const largest = figures.at(-1) as SizeFigures;
    const rangeRows = await measureRanges(config, raw, rawBucket, provider, largest);
    // The transfer's baseline: a fresh raw put of the same size, just before it.
    const rawPutMs = await raw.put(rawBucket, `raw-again-${largest.size}`, largest.size, new Keystream('again'));
    const transferRows = await measureTransfer(config, db, txs, provider, requester, largest, rawPutMs);
    txs.close();
    const hwm = [provider, requester].map((d) => memoryOf(d.gateway.pid)?.hwm ?? 0);

    printRows(
      `Storage gateway on MinIO + Kafka + PostgreSQL (${cpus().length} cores, node ${process.version}; MB = 10^6 bytes)`,
      [...figures.flatMap((f) => f.rows), ...rangeRows, ...transferRows],
    );
    console.log(
      `\nGateway VmHWM over the whole run (boot included): provider ${(hwm[0]! / MIB).toFixed(0)} MiB, requester ${(hwm[1]! / MIB).toFixed(0)} MiB`,
    );
  } finally {
    for (const s of services.reverse()) await s.stop().catch((e: unknown) => console.error('stopping:', e));
    closeAgent();
    await db.end();
    await cleanUp(config, raw, buckets, departments, channel);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
