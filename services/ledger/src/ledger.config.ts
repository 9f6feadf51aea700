import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { NAME_PATTERN } from '@accord/protocol';
import {
  commonEnvShape,
  defaultedVar,
  departmentLayout,
  optionalVar,
  toCommonConfig,
  type CommonConfig,
} from '@accord/service-kit';
import { z } from 'zod';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port). */
export const LEDGER_DEFAULT_PORT = 7100;

const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

/** Comma-separated channel names (blank entries ignored), each a protocol channel name. */
const channelsVar = z
  .string()
  .transform((raw) => [
    ...new Set(
      raw
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
    ),
  ])
  .refine(
    (channels) => channels.every((c) => NAME_PATTERN.test(c)),
    'must be comma-separated channel names matching [a-z0-9][a-z0-9._-]{0,63}',
  );

/** The ledger's own settings, after the common ones. */
export interface LedgerSettings {
  /** The department key file (service-kit department-files format); the ledger signs attestations with it. */
  readonly keysFile: string;
  /** True when ACCORD_KEYS_FILE named it: it must then exist. Otherwise it is the embedded layout's file, created on first use. */
  readonly keysFileExplicit: boolean;
  /** Channels to follow from the start (more are followed through the API and remembered in the database). */
  readonly channels: readonly string[];
  /** Worker threads verifying signatures (0: verify on the main thread). */
  readonly sigWorkers: number;
  /** At most this many blocks are stored per database transaction. */
  readonly blockGroupCommit: number;
}

export type LedgerConfig = CommonConfig & LedgerSettings;

/** The ledger service's environment: the common variables (docs/services.md) plus its own. */
export const ledgerConfigSchema = z
  .object({
    ...commonEnvShape({ defaultPort: LEDGER_DEFAULT_PORT }),
    ACCORD_KEYS_FILE: optionalVar(z.string().min(1)),
    ACCORD_LEDGER_CHANNELS: defaultedVar(channelsVar, []),
    ACCORD_LEDGER_SIG_WORKERS: defaultedVar(intVar(0, 64), availableParallelism()),
    ACCORD_LEDGER_BLOCK_GROUP_COMMIT: defaultedVar(intVar(1, 1000), 16),
  })
  .transform((env): LedgerConfig => {
    const common = toCommonConfig('ledger', env);
    return {
      ...common,
      keysFile:
        env.ACCORD_KEYS_FILE === undefined
          ? departmentLayout(common.dataDir, common.department).keysFile
          : resolve(env.ACCORD_KEYS_FILE),
      keysFileExplicit: env.ACCORD_KEYS_FILE !== undefined,
      channels: env.ACCORD_LEDGER_CHANNELS,
      sigWorkers: env.ACCORD_LEDGER_SIG_WORKERS,
      blockGroupCommit: env.ACCORD_LEDGER_BLOCK_GROUP_COMMIT,
    };
  });
