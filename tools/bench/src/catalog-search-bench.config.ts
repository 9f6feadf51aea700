import { benchScale } from './bench.config';

/** Settings of the catalog search benchmark (docs/catalog-search.md "Performance"). */
export interface CatalogSearchBenchConfig {
  /** Datasets seeded: 100,000 × BENCH_SCALE. */
  readonly count: number;
  /** Timed runs per query kind (BENCH_RUNS, default 200). */
  readonly runs: number;
  /** Which databases to measure (BENCH_CATALOG_ONLY). */
  readonly databases: readonly ('postgres' | 'pglite')[];
  /** ACCORD_TEST_PG_URL; required when PostgreSQL is measured. */
  readonly pgUrl: string | undefined;
  /** BENCH_CATALOG_SCHEMA: a PostgreSQL schema kept after the run and reused when seeded (EXPLAIN sessions). */
  readonly keptSchema: string | undefined;
}

export function loadCatalogSearchBenchConfig(env: NodeJS.ProcessEnv = process.env): CatalogSearchBenchConfig {
  const runs = env.BENCH_RUNS === undefined ? 200 : Number(env.BENCH_RUNS);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`BENCH_RUNS must be a positive integer, got ${env.BENCH_RUNS}`);
  const only = env.BENCH_CATALOG_ONLY;
  if (only !== undefined && only !== 'postgres' && only !== 'pglite')
    throw new Error(`BENCH_CATALOG_ONLY must be postgres or pglite, got ${only}`);
  const databases = only === undefined ? (['postgres', 'pglite'] as const) : ([only] as const);
  if (databases.includes('postgres') && !env.ACCORD_TEST_PG_URL)
    throw new Error('ACCORD_TEST_PG_URL is not set: source ~/.cache/accord/run/infra.env (scripts/bench.sh does)');
  return {
    count: Math.round(100_000 * benchScale(env)),
    runs,
    databases,
    pgUrl: env.ACCORD_TEST_PG_URL,
    keptSchema: env.BENCH_CATALOG_SCHEMA,
  };
}
