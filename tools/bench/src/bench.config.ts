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

/** The real servers a benchmark drives (the variables of ~/.cache/accord/run/infra.env). */
export interface BenchInfra {
  readonly pgUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly minio: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string };
}

/** The servers of infra.env; each variable is required. */
export function loadBenchInfra(env: NodeJS.ProcessEnv = process.env): BenchInfra {
  return {
    pgUrl: requiredSetting(env, 'ACCORD_TEST_PG_URL'),
    kafkaBrokers: requiredSetting(env, 'ACCORD_TEST_KAFKA_BROKERS').split(','),
    minio: {
      endpoint: requiredSetting(env, 'ACCORD_TEST_MINIO_ENDPOINT'),
      accessKey: requiredSetting(env, 'ACCORD_TEST_MINIO_ACCESS_KEY'),
      secretKey: requiredSetting(env, 'ACCORD_TEST_MINIO_SECRET_KEY'),
    },
  };
}

function requiredSetting(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: source ~/.cache/accord/run/infra.env (scripts/bench.sh does)`);
  return value;
}

/** An integer setting from min to max, `fallback` when unset. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return n;
}
