/**
 * Catalog search benchmark: GET /v1/datasets's service function over
 * 100,000 seeded datasets (BENCH_SCALE scales the count) on the real
 * PostgreSQL (ACCORD_TEST_PG_URL, a fresh schema dropped at the end) and on
 * PGlite, beside a plain indexed SELECT on the same table as the baseline.
 * Prints p50/p99 per query kind; asserts nothing.
 * Run: `node tools/bench/dist/catalog-search.bench.js` (after sourcing infra.env).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { closeDatabase, insertRows, openDatabase, type DatabaseConfig } from '@accord/persistence';
import {
  catalogMigrations,
  DatasetEntryRepository,
  DirectoryIndexLoader,
  SearchRepository,
  SearchService,
} from '@accord/catalog-service';
import { median, percentile } from './bench-stats';
import { loadCatalogSearchBenchConfig } from './catalog-search-bench.config';

const DEPARTMENT = 'bench-dept';
const T0 = 1_640_995_200_000; // 2022-01-01
const YEAR = 365 * 86_400_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same catalog. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'air water traffic road bridge school hospital clinic tax budget permit license census population housing rent ' +
  'energy power grid solar wind flood river rain weather forecast crime police court prison vehicle parking bus ' +
  'metro rail port ship cargo customs trade export import farm crop harvest forest park tree waste recycling ' +
  'noise pollution emission carbon health vaccine disease birth death marriage pension welfare employment wage ' +
  'company business registry land parcel building zoning map boundary address street camera video sensor station ' +
  'daily monthly annual survey statistics report index record inspection audit complaint service request ' +
  'student teacher exam library museum tourism hotel event festival sport water-quality drinking sewage pipe ' +
  'ningbo zhejiang city district county village coastal harbour typhoon earthquake fire rescue emergency'
).split(' ');
const DOMAINS = Array.from({ length: 25 }, (_, i) => `domain-${String(i).padStart(2, '0')}`);
const OWNERS = Array.from({ length: 40 }, (_, i) => `dept-${String(i).padStart(2, '0')}`);
const THEMES = ['AGRI', 'ECON', 'EDUC', 'ENER', 'ENVI', 'GOVE', 'HEAL', 'INTR', 'JUST', 'REGI', 'SOCI', 'TECH', 'TRAN'];
const FORMATS = ['CSV', 'JSON', 'XML', 'PDF', 'MP4', 'GEOJSON', 'XLSX', 'PARQUET'];
const SENSITIVITIES = ['public', 'internal', 'personal', 'sensitive'];
const CHANNELS = ['main', 'health', 'transport'];

const COLUMNS = [
  'id', 'channel', 'owner', 'name', 'version', 'status', 'title', 'description', 'keywords', 'keywords_text',
  'themes', 'publisher', 'domain', 'data_type', 'sensitivity', 'subject_key', 'subject_class', 'governance',
  'update_frequency', 'volume_bytes', 'content_hash', 'languages', 'formats', 'bbox_west', 'bbox_south',
  'bbox_east', 'bbox_north', 'temporal_start', 'temporal_end', 'metadata', 'policy', 'terms', 'accesses',
  'registered_height', 'registered_time', 'registered_tx', 'updated_height', 'updated_time', 'deprecated_time',
]; // prettier-ignore

function datasets(count: number): unknown[][] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // Zipf-like word choice: a few words are common, most are rare, as in real titles.
  const word = () => WORDS[Math.floor(WORDS.length * r() ** 2)] as string;
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const some = <T>(xs: readonly T[], max: number) => [
    ...new Set(Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(xs))),
  ];
  const rows: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const owner = pick(OWNERS);
    const name = `ds-${i}`;
    const keywords = Array.from({ length: 2 + Math.floor(r() * 4) }, word);
    const updated = T0 + Math.floor(r() * 3 * YEAR);
    const hasBox = r() < 0.6;
    const west = Math.floor((118 + r() * 6) * 1e7);
    const south = Math.floor((27 + r() * 4) * 1e7);
    const year = 2010 + Math.floor(r() * 14);
    rows.push([
      `${owner}/${name}`, pick(CHANNELS), owner, name, 1 + Math.floor(r() * 5), r() < 0.95 ? 'active' : 'deprecated',
      `${words(3 + Math.floor(r() * 5))}`.replace(/^./, (c) => c.toUpperCase()), words(20 + Math.floor(r() * 40)),
      keywords, keywords.join(' '), some(THEMES, 2), `Publisher of ${owner}`, pick(DOMAINS), 'records',
      pick(SENSITIVITIES), null, r() < 0.3 ? 'natural-person' : 'none', r() < 0.8 ? 'light' : 'strong',
      'monthly', Math.floor(r() * 1e9), randomBytes(32).toString('hex'), ['zh', 'en'], some(FORMATS, 3),
      hasBox ? west : null, hasBox ? south : null, hasBox ? west + Math.floor(r() * 1e7) : null,
      hasBox ? south + Math.floor(r() * 1e7) : null,
      r() < 0.5 ? `${year}-01-01` : null, r() < 0.5 ? `${year + 2}-12-31` : null,
      '{}', '{"permission":{"level":0}}', '{}', 0, i, updated - 1000, randomBytes(32).toString('hex'), i, updated, null,
    ]); // prettier-ignore
  }
  return rows;
}

async function seed(db: DataSource, count: number): Promise<number> {
  const start = performance.now();
  const [seeded] = (await db.query('SELECT count(*)::int AS n FROM catalog_dataset')) as { n: number }[];
  if (seeded !== undefined && seeded.n === count) return 0;
  const rows = datasets(count);
  const r = rng(7);
  for (let i = 0; i < rows.length; i += 5000) {
    await db.transaction((m) => insertRows(m, 'catalog_dataset', COLUMNS, rows.slice(i, i + 5000)));
  }
  const authority = DOMAINS.map((d, i) => [CHANNELS[i % CHANNELS.length], d, OWNERS[i % OWNERS.length]]);
  await insertRows(db.manager, 'catalog_authority', ['channel', 'domain', 'department'], authority);
  const requests = Array.from({ length: Math.min(2000, count) }, (_, i) => {
    const dataset = rows[Math.floor(r() * rows.length)]?.[0] as string;
    const status = pick4(r(), ['granted', 'denied', 'pending', 'refused']);
    return [
      randomBytes(32).toString('hex'), 'main', dataset, DEPARTMENT, dataset.split('/')[0], 'research', 86_400_000,
      status, status, null, i, T0 + i, status === 'granted' ? 'active' : null, null, T0 + 10 * YEAR, 0, 10, i, T0 + i,
    ]; // prettier-ignore
  });
  await insertRows(
    db.manager,
    'catalog_request',
    ['id', 'channel', 'dataset', 'requester', 'provider', 'purpose', 'duration_ms', 'status', 'code', 'message',
      'requested_height', 'requested_time', 'grant_status', 'granted_time', 'expires_at', 'accesses_used',
      'max_accesses', 'updated_height', 'updated_time'], // prettier-ignore
    requests,
  );
  await db.query('VACUUM ANALYZE');
  return performance.now() - start;
}

function pick4<T>(x: number, xs: readonly T[]): T {
  return xs[Math.floor(x * xs.length)] as T;
}

interface Row {
  readonly name: string;
  readonly runs: number;
  readonly p50: number;
  readonly p99: number;
}

async function time(name: string, runs: number, fn: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(i); // warm-up
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    durations.push(performance.now() - start);
  }
  return { name, runs, p50: median(durations), p99: percentile(durations, 99) };
}

/** The query mix: what a catalog's users type and click. */
const MIX: readonly (readonly [string, (i: number) => Record<string, string>])[] = [
  ['text, one common word', (i) => ({ q: WORDS[i % 8] as string })],
  ['text, two words + prefix', (i) => ({ q: `${WORDS[i % 20]} ${(WORDS[(i * 7) % 60] as string).slice(0, 4)}` })],
  ['text, rare word', (i) => ({ q: WORDS[WORDS.length - 1 - (i % 30)] as string })],
  ['no q, newest, facets (home page)', () => ({})],
  ['filters: domain + theme, newest', (i) => ({ domain: DOMAINS[i % 25] as string, theme: THEMES[i % 13] as string })],
  ['text + sensitivity + bbox', (i) => ({ q: WORDS[i % 15] as string, sensitivity: 'public,internal', bbox: '120,28,122,30' })],
  ['title sort, department filter', (i) => ({ sort: 'title', department: OWNERS[i % 40] as string })],
  ['updated range + format', () => ({ updatedFrom: '2023-01-01', updatedTo: '2023-06-30', format: 'CSV' })],
  ['temporal overlap + subject class', () => ({ temporalFrom: '2015-01-01', temporalTo: '2015-12-31', subjectClass: 'none' })],
]; // prettier-ignore

async function benchmark(label: string, config: DatabaseConfig, count: number, runs: number): Promise<void> {
  const db = await openDatabase(config, { migrations: catalogMigrations });
  try {
    const seedMs = await seed(db, count);
    const service = new SearchService(
      new SearchRepository(db),
      new DatasetEntryRepository(db),
      new DirectoryIndexLoader(db),
      { department: DEPARTMENT },
      { now: () => T0 + 3 * YEAR },
    );
    // The first search loads the in-memory index: timed apart from the queries.
    const loadStart = performance.now();
    await service.find({ limit: '1' });
    const indexLoadMs = performance.now() - loadStart;
    const rows: Row[] = [];
    const baseline = await time('baseline: indexed SELECT (domain, newest 20)', runs, (i) =>
      db.query('SELECT id, title FROM catalog_dataset WHERE domain = $1 ORDER BY updated_time DESC, id LIMIT 20', [
        DOMAINS[i % 25],
      ]),
    );
    rows.push(baseline);
    for (const [name, query] of MIX)
      rows.push(await time(name, runs, (i) => service.find({ ...query(i), limit: '20' })));
    // Deep pages: follow `next` 25 pages down (500 hits) per run; each page is one timed call.
    const pages: number[] = [];
    for (let run = 0; run < Math.max(2, Math.round(runs / 25)); run++) {
      const bases: Record<string, string>[] = [{ sort: 'newest' }, { q: WORDS[run % 5] as string }, { sort: 'title' }];
      for (const base of bases) {
        let cursor: string | null = null;
        for (let page = 0; page < 25; page++) {
          const start = performance.now();
          const result: { readonly next: string | null } = await service.find({
            ...base,
            limit: '20',
            ...(cursor ? { cursor } : {}),
          });
          pages.push(performance.now() - start);
          cursor = result.next;
          if (cursor === null) break;
        }
      }
    }
    rows.push({
      name: 'deep pages via cursors (to 500th hit)',
      runs: pages.length,
      p50: median(pages),
      p99: percentile(pages, 99),
    });
    const all: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [, query] = MIX[i % MIX.length] as (typeof MIX)[number];
      const start = performance.now();
      await service.find({ ...query(i), limit: '20' });
      all.push(performance.now() - start);
    }
    rows.push({ name: 'mixed (all kinds above, interleaved)', runs, p50: median(all), p99: percentile(all, 99) });
    print(
      `${label}: ${count.toLocaleString('en-US')} datasets (seeded in ${(seedMs / 1000).toFixed(1)} s; index loaded in ${(indexLoadMs / 1000).toFixed(1)} s)`,
      rows,
      baseline,
    );
  } finally {
    await closeDatabase(db);
  }
}

function print(title: string, rows: readonly Row[], baseline: Row): void {
  const header = ['query', 'runs', 'p50 ms', 'p99 ms', 'p50 × baseline', 'p99 × baseline'];
  const lines = rows.map((r) => [
    r.name,
    String(r.runs),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    (r.p50 / baseline.p50).toFixed(1),
    (r.p99 / baseline.p99).toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '); // prettier-ignore
  console.log(`\n${title}`);
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

async function main(): Promise<void> {
  const { count, runs, databases, pgUrl, keptSchema } = loadCatalogSearchBenchConfig();
  if (databases.includes('postgres') && pgUrl !== undefined) {
    const schema = keptSchema ?? `bench_catalog_${process.pid}_${randomBytes(4).toString('hex')}`;
    try {
      await benchmark('PostgreSQL', { kind: 'postgres', url: pgUrl, schema }, count, runs);
    } finally {
      if (keptSchema === undefined) {
        const client = new Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    }
  }
  if (databases.includes('pglite'))
    await benchmark('PGlite', { kind: 'pglite', dataDir: 'memory://' }, count, Math.max(20, Math.round(runs / 4)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
