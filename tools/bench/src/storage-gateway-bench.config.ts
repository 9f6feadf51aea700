/** Settings of the storage gateway benchmark (issue 10, item 9; docs/benchmarks.md "Storage gateway"). */
import { benchScale, intSetting, loadBenchInfra, type BenchInfra } from './bench.config';

const MIB = 1024 * 1024;

export interface StorageGatewayBenchConfig extends BenchInfra {
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

export function loadStorageGatewayBenchConfig(env: NodeJS.ProcessEnv = process.env): StorageGatewayBenchConfig {
  const scale = benchScale(env);
  // Whole MiB, at least 2 segments' worth of ranges: a tiny scale still measures something.
  const scaled = (bytes: number): number => Math.max(4 * MIB, Math.round((bytes * scale) / MIB) * MIB);
  return {
    ...loadBenchInfra(env),
    sizes: [scaled(256 * MIB), scaled(1024 * MIB)],
    patchBytes: intSetting(env, 'BENCH_GATEWAY_PATCH_MIB', 0, 0, 65_536) * MIB,
    rangeReads: intSetting(env, 'BENCH_RANGE_READS', 200, 1, 100_000),
    rangeBytes: MIB,
    rangeConcurrency: intSetting(env, 'BENCH_RANGE_CONCURRENCY', 4, 1, 64),
    rssSampleMs: 100,
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
  };
}
