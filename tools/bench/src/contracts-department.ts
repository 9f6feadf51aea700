/**
 * The departments of the contracts benchmark: their key and token files,
 * and one department's ledger and contracts services as processes of their
 * own (`node services/<name>/dist/main.js`, as deployed) on the real Kafka,
 * each on its own database (a PostgreSQL schema, or PGlite files for the
 * contracts service).
 */
import type { BenchDepartment } from './bench-department';
import { startServiceProcess, type ServiceProcess } from './gateway-service.process';

export interface Infra {
  readonly pgUrl: string;
  readonly kafkaBrokers: readonly string[];
}

function commonEnv(d: BenchDepartment, infra: Infra): Record<string, string> {
  return {
    ACCORD_DEPARTMENT: d.id,
    ACCORD_API_TOKENS: d.apiTokens,
    ACCORD_KEYS_FILE: d.keysFile,
    // Request logs off: the bench measures the services, not log formatting (errors and warnings still show).
    ACCORD_LOG_LEVEL: 'warn',
    ACCORD_BUS: `kafka:${infra.kafkaBrokers.join(',')}`,
  };
}

/** The department's ledger on PostgreSQL schema `schema`, following `channel`. */
export function startLedger(
  d: BenchDepartment,
  infra: Infra,
  schema: string,
  channel: string,
  port?: number,
  onSpawn?: (pid: number) => void,
): Promise<ServiceProcess> {
  return startServiceProcess({
    label: `ledger of ${d.id}`,
    packageName: '@accord/ledger-service',
    ...(port === undefined ? {} : { port }),
    ...(onSpawn === undefined ? {} : { onSpawn }),
    // Like the contracts service, it may report ready only after catching up with a long chain.
    readyTimeoutMs: 30 * 60_000,
    env: {
      ...commonEnv(d, infra),
      ACCORD_DATABASE: infra.pgUrl,
      ACCORD_DATABASE_SCHEMA: schema,
      ACCORD_LEDGER_CHANNELS: channel,
    },
  });
}

export type ContractsStore =
  { readonly kind: 'postgres'; readonly schema: string } | { readonly kind: 'pglite'; readonly dataDir: string };

export interface ContractsOptions {
  readonly store: ContractsStore;
  readonly ledgerUrl: string;
  /** ACCORD_CONTRACTS_BATCH; undefined keeps the service default. */
  readonly batch: number | undefined;
  readonly nodeArgs: readonly string[];
  /** Its HTTP port (the bench may poll it before it is ready); default: a free one. */
  readonly port?: number;
  readonly onSpawn?: (pid: number) => void;
  /**
   * How long it may take to report ready: a contracts service reports ready
   * only once its blocks reader runs, which on a long chain comes after
   * minutes of catching up.
   */
  readonly readyTimeoutMs?: number;
}

/** The department's contracts service, reading its ledger's blocks topic on Kafka and its ledger API. */
export function startContracts(d: BenchDepartment, infra: Infra, options: ContractsOptions): Promise<ServiceProcess> {
  const { store } = options;
  return startServiceProcess({
    label: `contracts of ${d.id} (${store.kind})`,
    packageName: '@accord/contracts-service',
    nodeArgs: options.nodeArgs,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    env: {
      ...commonEnv(d, infra),
      ...(store.kind === 'postgres'
        ? { ACCORD_DATABASE: infra.pgUrl, ACCORD_DATABASE_SCHEMA: store.schema }
        : { ACCORD_DATABASE: `pglite:${store.dataDir}` }),
      ACCORD_LEDGER_URL: options.ledgerUrl,
      ACCORD_LEDGER_TOKEN: d.token,
      ...(options.batch === undefined ? {} : { ACCORD_CONTRACTS_BATCH: String(options.batch) }),
    },
  });
}
