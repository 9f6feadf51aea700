import { availableParallelism } from 'node:os';
import { NAME_PATTERN } from '@accord/protocol';
import {
  commonEnvShape,
  defaultedVar,
  departmentKeysFile,
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

/** Background self-audit (docs/ledger-service.md): new blocks after each commit plus a scheduled full audit, only the full one, or none. */
export const SELF_AUDIT_MODES = ['all', 'full', 'off'] as const;
export type SelfAuditMode = (typeof SELF_AUDIT_MODES)[number];

/** Default pause between scheduled full self-audits: 6 hours. */
export const DEFAULT_FULL_AUDIT_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** The ledger's own settings, after the common ones. */
export interface LedgerSettings {
  /** The department key file (the format `accord keygen` writes); the ledger signs attestations with it. */
  readonly keysFile: string;
  /** True when ACCORD_KEYS_FILE named it: it must then exist. Otherwise it is the embedded layout's file, created on first use. */
  readonly keysFileExplicit: boolean;
  /** Channels to follow from the start (more are followed through the API and remembered in the database). */
  readonly channels: readonly string[];
  /** Worker threads verifying signatures (0: verify on the main thread). */
  readonly sigWorkers: number;
  /** At most this many blocks are stored per database transaction. */
  readonly blockGroupCommit: number;
  /** Which background self-audits run. */
  readonly selfAudit: SelfAuditMode;
  /** Pause between the end of one full self-audit (the first runs at start) and the start of the next. */
  readonly fullAuditIntervalMs: number;
  /** ACCORD_LEDGER_ED25519_NATIVE: unset = the addon scripts/ensure-deps.sh builds (node:crypto when absent), `off`, or a path (verification/ed25519-native.loader.ts). */
  readonly ed25519Native: string | undefined;
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
    ACCORD_LEDGER_SELF_AUDIT: defaultedVar(z.enum(SELF_AUDIT_MODES), 'all'),
    ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS: defaultedVar(
      intVar(100, 30 * 24 * 60 * 60 * 1000),
      DEFAULT_FULL_AUDIT_INTERVAL_MS,
    ),
    ACCORD_LEDGER_ED25519_NATIVE: optionalVar(z.string().min(1)),
  })
  .transform((env): LedgerConfig => {
    const common = toCommonConfig('ledger', env);
    return {
      ...common,
      ...departmentKeysFile(common, env.ACCORD_KEYS_FILE),
      channels: env.ACCORD_LEDGER_CHANNELS,
      sigWorkers: env.ACCORD_LEDGER_SIG_WORKERS,
      blockGroupCommit: env.ACCORD_LEDGER_BLOCK_GROUP_COMMIT,
      selfAudit: env.ACCORD_LEDGER_SELF_AUDIT,
      fullAuditIntervalMs: env.ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS,
      ed25519Native: env.ACCORD_LEDGER_ED25519_NATIVE,
    };
  });
