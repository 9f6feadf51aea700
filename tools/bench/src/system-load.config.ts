/** Settings of the system load benchmark (issue 14, item 4; docs/benchmarks.md "System load (issue 14)"). */
import { benchScale, intSetting, loadBenchInfra, type BenchInfra } from './bench.config';

const KIB = 1024;

export interface SystemLoadConfig extends BenchInfra {
  /** Network sizes measured, one fresh process network each (BENCH_SYSTEM_DEPARTMENTS, default 1,3,5). */
  readonly departmentCounts: readonly number[];
  /** How long the mixed workload runs on each network (BENCH_SYSTEM_SECONDS, default 60, × BENCH_SCALE). */
  readonly seconds: number;
  /** Closed-loop workers: each starts its next operation when its last one ended (BENCH_SYSTEM_WORKERS, default 6). */
  readonly workers: number;
  /** Bytes of each uploaded (then transferred) object (BENCH_SYSTEM_OBJECT_KIB, default 1024). */
  readonly objectBytes: number;
  /** Seed of the operation mix (BENCH_SYSTEM_SEED; fresh when unset, printed so a run can be replayed). */
  readonly seed: number;
  /** Where the JSON results go (BENCH_SYSTEM_OUT; default a fresh file under the OS temp directory). */
  readonly outFile: string | undefined;
  /** Interval of the services' VmRSS samples, ms. */
  readonly sampleMs: number;
  /** Interval of the polls of each ledger's final height: the resolution of submit→final, ms. */
  readonly finalityPollMs: number;
  /** Messages of the raw Kafka baseline and their size (the size of a typical signed tx). */
  readonly kafkaMessages: number;
  readonly kafkaMessageBytes: number;
  /** Objects of the raw MinIO baseline (each objectBytes). */
  readonly minioPuts: number;
}

function departmentCounts(env: NodeJS.ProcessEnv): number[] {
  const raw = env.BENCH_SYSTEM_DEPARTMENTS ?? '1,3,5';
  const counts = raw.split(',').map((c) => Number(c.trim()));
  if (counts.length === 0 || counts.some((c) => !Number.isInteger(c) || c < 1 || c > 9))
    throw new Error(`BENCH_SYSTEM_DEPARTMENTS must be comma-separated integers from 1 to 9, got ${raw}`);
  return counts;
}

export function loadSystemLoadConfig(env: NodeJS.ProcessEnv = process.env): SystemLoadConfig {
  const scale = benchScale(env);
  return {
    ...loadBenchInfra(env),
    departmentCounts: departmentCounts(env),
    seconds: Math.max(5, Math.round(intSetting(env, 'BENCH_SYSTEM_SECONDS', 60, 1, 86_400) * scale)),
    workers: intSetting(env, 'BENCH_SYSTEM_WORKERS', 6, 1, 256),
    objectBytes: intSetting(env, 'BENCH_SYSTEM_OBJECT_KIB', 1024, 1, 4 * 1024 * 1024) * KIB,
    seed: intSetting(env, 'BENCH_SYSTEM_SEED', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    outFile: env.BENCH_SYSTEM_OUT === undefined || env.BENCH_SYSTEM_OUT === '' ? undefined : env.BENCH_SYSTEM_OUT,
    sampleMs: 250,
    finalityPollMs: 100,
    kafkaMessages: Math.max(500, Math.round(5_000 * scale)),
    kafkaMessageBytes: 1024,
    minioPuts: Math.max(5, Math.round(20 * scale)),
  };
}
