import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  checkLedgerApiPair,
  checkObjectStoreEnv,
  commonEnvShape,
  defaultedVar,
  departmentKeysFile,
  departmentLayout,
  departmentVar,
  httpUrlVar,
  ledgerApiEnvShape,
  ledgerApiOf,
  objectStoreEnvShape,
  optionalVar,
  toCommonConfig,
  toObjectStoreSpec,
  type CommonConfig,
  type LedgerApiConfig,
  type ObjectStoreSpec,
} from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 3). */
export const STORAGE_GATEWAY_DEFAULT_PORT = 7103;

/** The storage gateway's own settings, after the common ones (docs/storage-gateway.md "Configuration"). */
export interface StorageGatewaySettings {
  readonly objectStore: ObjectStoreSpec;
  /** The department key file: anchors, uses, records, key shares and erasures are signed with it; transfer requests too. */
  readonly keysFile: string;
  readonly keysFileExplicit: boolean;
  /** The key-encryption key file (32 random bytes, hex): wraps every data key kept in the gateway's database. */
  readonly kekFile: string;
  /** True when ACCORD_GATEWAY_KEK_FILE named it: it must then exist. Otherwise the embedded layout's file, created on first use. */
  readonly kekFileExplicit: boolean;
  /** This department's ledger API: blocks too large for one event and the configuration after them. Null: not configured. */
  readonly ledger: LedgerApiConfig | null;
  /** The other departments' gateways (department → base URL), for transfers. */
  readonly peers: Readonly<Record<string, string>>;
  /** A tus upload not finished within this time expires (its stored bytes are removed). */
  readonly uploadExpiryMs: number;
  /** How long a provider waits for an access.use to be committed and applied before answering 503. */
  readonly useWaitMs: number;
  /** Signed transfer requests older than this (their `created`) are refused; their nonces are kept this long. */
  readonly signatureMaxAgeSeconds: number;
  /** Interval between two integrity scrubs; 0 turns the schedule off (runs on demand only). */
  readonly scrubIntervalMs: number;
  /** Read budget of the scrubber, bytes per second. */
  readonly scrubBytesPerSecond: number;
}

export type StorageGatewayConfig = CommonConfig & StorageGatewaySettings;

const positiveInt = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

/** `dept=http://host:port,dept2=https://...`: the peer gateways. */
const peersVar = z.string().transform((raw, ctx): Record<string, string> => {
  const peers: Record<string, string> = {};
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    const department = departmentVar.safeParse(item.slice(0, eq));
    const url = httpUrlVar.safeParse(item.slice(eq + 1));
    if (eq <= 0 || !department.success || !url.success) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not <department>=<http(s) URL>` });
      return z.NEVER;
    }
    if (peers[department.data] !== undefined) {
      ctx.addIssue({ code: 'custom', message: `department ${department.data} is listed twice` });
      return z.NEVER;
    }
    peers[department.data] = url.data;
  }
  return peers;
});

/** The storage gateway's environment: the common variables (docs/services.md) plus its own. */
export const storageGatewayConfigSchema = z
  .object({
    ...commonEnvShape({ defaultPort: STORAGE_GATEWAY_DEFAULT_PORT }),
    ...objectStoreEnvShape(),
    ...ledgerApiEnvShape,
    ACCORD_KEYS_FILE: optionalVar(z.string().min(1)),
    ACCORD_GATEWAY_KEK_FILE: optionalVar(z.string().min(1)),
    ACCORD_GATEWAY_PEERS: defaultedVar(peersVar, {}),
    ACCORD_GATEWAY_UPLOAD_EXPIRY_MS: defaultedVar(
      positiveInt.refine((n) => n >= 60_000, 'must be at least 60000'),
      86_400_000,
    ),
    ACCORD_GATEWAY_USE_WAIT_MS: defaultedVar(
      positiveInt.refine((n) => n >= 1000, 'must be at least 1000'),
      30_000,
    ),
    ACCORD_GATEWAY_SIGNATURE_MAX_AGE_S: defaultedVar(
      positiveInt.refine((n) => n >= 10 && n <= 3600, 'must be between 10 and 3600'),
      300,
    ),
    ACCORD_GATEWAY_SCRUB_INTERVAL_MS: defaultedVar(positiveInt, 3_600_000),
    ACCORD_GATEWAY_SCRUB_BYTES_PER_SEC: defaultedVar(
      positiveInt.refine((n) => n >= 65_536, 'must be at least 65536'),
      64 * 1024 * 1024,
    ),
  })
  .superRefine(checkObjectStoreEnv)
  .superRefine(checkLedgerApiPair)
  .transform((env): StorageGatewayConfig => {
    const common = toCommonConfig('storage-gateway', env);
    const kekExplicit = env.ACCORD_GATEWAY_KEK_FILE;
    return {
      ...common,
      objectStore: toObjectStoreSpec(env, common),
      ...departmentKeysFile(common, env.ACCORD_KEYS_FILE),
      kekFile:
        kekExplicit === undefined
          ? join(departmentLayout(common.dataDir, common.department).root, 'secrets', 'storage-gateway-kek.json')
          : resolve(kekExplicit),
      kekFileExplicit: kekExplicit !== undefined,
      ledger: ledgerApiOf(env),
      peers: env.ACCORD_GATEWAY_PEERS,
      uploadExpiryMs: env.ACCORD_GATEWAY_UPLOAD_EXPIRY_MS,
      useWaitMs: env.ACCORD_GATEWAY_USE_WAIT_MS,
      signatureMaxAgeSeconds: env.ACCORD_GATEWAY_SIGNATURE_MAX_AGE_S,
      scrubIntervalMs: env.ACCORD_GATEWAY_SCRUB_INTERVAL_MS,
      scrubBytesPerSecond: env.ACCORD_GATEWAY_SCRUB_BYTES_PER_SEC,
    };
  });
