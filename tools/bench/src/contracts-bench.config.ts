/** Settings of the contracts benchmark (docs/benchmarks.md "Contracts (issue 13)"), from the environment. */
import { loadBenchConfig } from './bench.config';

export interface ContractsBenchConfig {
  readonly kafkaBrokers: string[];
  readonly pgUrl: string;
  readonly scale: number;
  /** Rule txs in the chain (the genesis not counted): CONTRACTS_BENCH_TXS, else 60,000 × BENCH_SCALE. */
  readonly txs: number;
  /** ACCORD_CONTRACTS_BATCH of the contracts services (CONTRACTS_BENCH_BATCH; unset: the service default). */
  readonly batch: number | undefined;
  /** Extra node arguments of the contracts processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (CONTRACTS_BENCH_NODE_ARGS). */
  readonly contractsNodeArgs: readonly string[];
  /** Block size limit of the bench channels' policy (CONTRACTS_BENCH_BLOCK_TXS, default 500 as the ledger bench). */
  readonly maxTxPerBlock: number;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

export function loadContractsBenchConfig(env: NodeJS.ProcessEnv = process.env): ContractsBenchConfig {
  const base = loadBenchConfig(env);
  if (base.pgUrl === undefined) throw new Error('ACCORD_TEST_PG_URL is not set (scripts/bench.sh sets it)');
  return {
    kafkaBrokers: base.kafkaBrokers,
    pgUrl: base.pgUrl,
    scale: base.scale,
    txs: positiveInt('CONTRACTS_BENCH_TXS', env.CONTRACTS_BENCH_TXS) ?? Math.max(500, Math.round(60_000 * base.scale)),
    batch: positiveInt('CONTRACTS_BENCH_BATCH', env.CONTRACTS_BENCH_BATCH),
    contractsNodeArgs: (env.CONTRACTS_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0),
    maxTxPerBlock: positiveInt('CONTRACTS_BENCH_BLOCK_TXS', env.CONTRACTS_BENCH_BLOCK_TXS) ?? 500,
  };
}
