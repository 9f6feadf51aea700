import { z } from 'zod';
import {
  checkLedgerApiPair,
  commonEnvShape,
  defaultedVar,
  ledgerApiEnvShape,
  ledgerApiOf,
  departmentKeysFile,
  optionalVar,
  toCommonConfig,
  type CommonConfig,
} from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 1). */
export const CONTRACTS_DEFAULT_PORT = 7101;

const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

/** The contracts service's own settings, after the common ones (docs/contracts.md "Configuration"). */
export interface ContractsSettings {
  /** The department key file; state attestations and the txs of the action endpoints are signed with it. */
  readonly keysFile: string;
  /** True when ACCORD_KEYS_FILE named it: it must then exist. Otherwise the embedded layout's file, created on first use. */
  readonly keysFileExplicit: boolean;
  /**
   * This department's ledger API, read when a block.committed event lacks
   * what the rules need (the configuration after a block that changed it,
   * or the txs of a block too large for one event). Null: not configured.
   */
  readonly ledger: { readonly url: string; readonly token: string } | null;
  /** Idle wait between reads of the blocks topic. */
  readonly pollIntervalMs: number;
  /** At most this many block.committed events are applied per database transaction. */
  readonly batchSize: number;
  /** Pause between background audits of the stored rule state (docs/contracts.md "Auditing the stored state"); 0: none. */
  readonly auditIntervalMs: number;
}

export type ContractsConfig = CommonConfig & ContractsSettings;

/** The contracts service's environment: the common variables (docs/services.md) plus its own. */
export const contractsConfigSchema = z
  .object({
    ...commonEnvShape({ defaultPort: CONTRACTS_DEFAULT_PORT }),
    ACCORD_KEYS_FILE: optionalVar(z.string().min(1)),
    ...ledgerApiEnvShape,
    ACCORD_CONTRACTS_POLL_MS: defaultedVar(intVar(1, 10_000), 20),
    ACCORD_CONTRACTS_BATCH: defaultedVar(intVar(1, 1000), 64),
    ACCORD_CONTRACTS_AUDIT_INTERVAL_MS: defaultedVar(intVar(0, 2_592_000_000), 600_000),
  })
  .superRefine(checkLedgerApiPair)
  .transform((env): ContractsConfig => {
    const common = toCommonConfig('contracts', env);
    return {
      ...common,
      ...departmentKeysFile(common, env.ACCORD_KEYS_FILE),
      ledger: ledgerApiOf(env),
      pollIntervalMs: env.ACCORD_CONTRACTS_POLL_MS,
      batchSize: env.ACCORD_CONTRACTS_BATCH,
      auditIntervalMs: env.ACCORD_CONTRACTS_AUDIT_INTERVAL_MS,
    };
  });
