/** Benchmark settings from the environment (scripts/bench.sh sources the infra env file). */
export interface BenchConfig {
  readonly kafkaBrokers: string[];
  readonly pgUrl?: string;
  /** Scales message counts down for a quick smoke run (BENCH_SCALE=0.1). */
  readonly scale: number;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const brokers = env.ACCORD_TEST_KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'ACCORD_TEST_KAFKA_BROKERS is not set: run `bash scripts/infra/up.sh` and source ~/.cache/accord/run/infra.env (scripts/bench.sh does both)',
    );
  }
  return { kafkaBrokers: brokers.split(','), pgUrl: env.ACCORD_TEST_PG_URL, scale: benchScale(env) };
}

/** BENCH_SCALE: a factor in (0, 10] on the counts of a run (1 when unset). */
export function benchScale(env: NodeJS.ProcessEnv = process.env): number {
  const scale = env.BENCH_SCALE === undefined ? 1 : Number(env.BENCH_SCALE);
  if (!(scale > 0 && scale <= 10)) throw new Error(`BENCH_SCALE must be a number in (0, 10], got ${env.BENCH_SCALE}`);
  return scale;
}
