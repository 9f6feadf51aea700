/** Settings of the ledger benchmark (issue 3, item 8), from the environment; see docs/benchmarks.md. */
import { availableParallelism } from 'node:os';
import { intSetting, loadBenchConfig, type BenchConfig } from './bench.config';

/** How the three departments' ledgers run: three child processes (`node services/ledger/dist/main.js`) or one Node process. */
export type LedgerMode = 'processes' | 'in-process';

export interface LedgerBenchConfig extends BenchConfig {
  readonly pgUrl: string;
  readonly mode: LedgerMode;
  /** Also compare the modes (pairs of saturation runs, see compareModes in ledger.bench.ts). */
  readonly compareModes: boolean;
  /** ACCORD_LEDGER_SIG_WORKERS of each ledger. */
  readonly sigWorkers: number;
  /** ACCORD_LEDGER_BLOCK_GROUP_COMMIT of each ledger. */
  readonly groupCommit: number;
  /** Txs per saturation run (scaled). */
  readonly saturationTxs: number;
  readonly saturationRuns: number;
  /** Pairs of saturation runs (one per mode) comparing three ledger processes with one process. */
  readonly compareRuns: number;
  /** Offered rates (tx/s) of the latency phase, and how long each is held. */
  readonly rates: readonly number[];
  readonly rateSeconds: number;
  /** Envelopes per request of the HTTP phase's batch submissions (POST .../txs/batch). */
  readonly httpBatch: number;
  /** Offered rates (tx/s) of the HTTP latency runs, besides 30% of the verification ceiling measured in the run. */
  readonly httpRates: readonly number[];
  /** Txs in the chain the audit re-verifies (scaled). */
  readonly auditTxs: number;
  readonly auditRuns: number;
  /** Phases to run (all by default). */
  readonly phases: ReadonlySet<BenchPhase>;
  /** batchTimeoutMs of the bench channel's policy. */
  readonly batchTimeoutMs: number;
  /** Extra node arguments of child-process ledgers (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to find hot spots). */
  readonly ledgerNodeArgs: readonly string[];
}

export const BENCH_PHASES = ['baselines', 'saturation', 'rates', 'http', 'audit'] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

export function loadLedgerBenchConfig(env: NodeJS.ProcessEnv = process.env): LedgerBenchConfig {
  const base = loadBenchConfig(env);
  if (!base.pgUrl) {
    throw new Error(
      'ACCORD_TEST_PG_URL is not set: run `bash scripts/infra/up.sh` and source ~/.cache/accord/run/infra.env (scripts/bench.sh does both)',
    );
  }
  const mode = env.BENCH_LEDGER_MODE ?? 'processes';
  if (mode !== 'processes' && mode !== 'in-process')
    throw new Error(`BENCH_LEDGER_MODE must be "processes" or "in-process", got ${mode}`);
  const rates = (env.BENCH_RATES ?? '250,500,1000,2000').split(',').map((r) => Number(r.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000)) {
    throw new Error(`BENCH_RATES must be comma-separated integers from 1 to 100000 (tx/s), got ${env.BENCH_RATES}`);
  }
  const httpRates = (env.BENCH_HTTP_RATES ?? '250').split(',').map((r) => Number(r.trim()));
  if (httpRates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000)) {
    throw new Error(
      `BENCH_HTTP_RATES must be comma-separated integers from 1 to 100000 (tx/s), got ${env.BENCH_HTTP_RATES}`,
    );
  }
  const phaseList = (env.BENCH_PHASES ?? BENCH_PHASES.join(',')).split(',').map((p) => p.trim());
  const unknown = phaseList.filter((p) => !(BENCH_PHASES as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new Error(`BENCH_PHASES: unknown phase(s) ${unknown.join(', ')}; known: ${BENCH_PHASES.join(', ')}`);
  const scaled = (n: number, min: number): number => Math.max(min, Math.round(n * base.scale));
  return {
    ...base,
    pgUrl: base.pgUrl,
    mode,
    compareModes: env.BENCH_COMPARE_MODES !== '0',
    sigWorkers: intSetting(env, 'BENCH_SIG_WORKERS', Math.max(1, availableParallelism() - 1), 0, 64),
    groupCommit: intSetting(env, 'BENCH_GROUP_COMMIT', 16, 1, 1000),
    saturationTxs: scaled(40_000, 1_000),
    saturationRuns: base.scale < 0.5 ? 1 : 3,
    compareRuns: base.scale < 0.5 ? 1 : 3,
    rates,
    rateSeconds: Math.max(2, Math.round(10 * Math.min(1, base.scale * 4))),
    httpBatch: intSetting(env, 'BENCH_HTTP_BATCH', 250, 1, 1000),
    httpRates,
    auditTxs: intSetting(env, 'BENCH_AUDIT_TXS', scaled(1_000_000, 5_000), 1, 10_000_000),
    auditRuns: intSetting(env, 'BENCH_AUDIT_RUNS', 1, 1, 10),
    phases: new Set(phaseList as BenchPhase[]),
    batchTimeoutMs: intSetting(env, 'BENCH_BATCH_TIMEOUT_MS', 50, 1, 3_600_000),
    ledgerNodeArgs: (env.BENCH_LEDGER_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
  };
}
