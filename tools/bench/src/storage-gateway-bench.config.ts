/** Settings of the storage gateway benchmark (issue 10, item 9; docs/benchmarks.md "Storage gateway"). */
import { benchScale } from './bench.config';

const MIB = 1024 * 1024;

export interface StorageGatewayBenchConfig {
  readonly pgUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly minio: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string };
  /** Object sizes measured, ascending: 256 MiB and 1 GiB × BENCH_SCALE (the peak RSS is compared across them). */
  readonly sizes: readonly number[];
  /** Bytes per tus PATCH (BENCH_GATEWAY_PATCH_MIB; 0: the whole object in one PATCH, as tus-js-client sends it by default). */
  readonly patchBytes: number;
  /** Random range reads on the largest object (BENCH_RANGE_READS, default 200), of rangeBytes each. */
  readonly rangeReads: number;
  readonly rangeBytes: number;
  /** Range reads in flight at once (BENCH_RANGE_CONCURRENCY, default 4). */
  readonly rangeConcurrency: number;
  /** RSS sampling interval of the gateway processes, ms. */
  readonly rssSampleMs: number;
  /** Extra node arguments of the gateway processes (BENCH_GATEWAY_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  readonly gatewayNodeArgs: readonly string[];
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: source ~/.cache/accord/run/infra.env (scripts/bench.sh does)`);
  return value;
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return n;
}

export function loadStorageGatewayBenchConfig(env: NodeJS.ProcessEnv = process.env): StorageGatewayBenchConfig {
  const scale = benchScale(env);
  // Whole MiB, at least 2 segments' worth of ranges: a tiny scale still measures something.
  const scaled = (bytes: number): number => Math.max(4 * MIB, Math.round((bytes * scale) / MIB) * MIB);
  return {
    pgUrl: required(env, 'ACCORD_TEST_PG_URL'),
    kafkaBrokers: required(env, 'ACCORD_TEST_KAFKA_BROKERS').split(','),
    minio: {
      endpoint: required(env, 'ACCORD_TEST_MINIO_ENDPOINT'),
      accessKey: required(env, 'ACCORD_TEST_MINIO_ACCESS_KEY'),
      secretKey: required(env, 'ACCORD_TEST_MINIO_SECRET_KEY'),
    },
    sizes: [scaled(256 * MIB), scaled(1024 * MIB)],
    patchBytes: intVar(env, 'BENCH_GATEWAY_PATCH_MIB', 0, 0, 65_536) * MIB,
    rangeReads: intVar(env, 'BENCH_RANGE_READS', 200, 1, 100_000),
    rangeBytes: MIB,
    rangeConcurrency: intVar(env, 'BENCH_RANGE_CONCURRENCY', 4, 1, 64),
    rssSampleMs: 100,
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
  };
}
