import { z } from 'zod';
import {
  checkLedgerApiPair,
  commonEnvShape,
  departmentKeysFile,
  ledgerApiEnvShape,
  ledgerApiOf,
  optionalVar,
  toCommonConfig,
  type CommonConfig,
  type LedgerApiConfig,
} from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 2). */
export const CATALOG_DEFAULT_PORT = 7102;

/** The catalog's own settings, after the common ones (docs/catalog.md "Configuration"). */
export interface CatalogSettings {
  /** The department key file: registrations, requests and quality reports are signed with it. */
  readonly keysFile: string;
  /** True when ACCORD_KEYS_FILE named it: it must then exist. Otherwise the embedded layout's file. */
  readonly keysFileExplicit: boolean;
  /**
   * This department's ledger API: blocks too large for one event, the
   * configuration after such a block, and the tx proofs of the provenance
   * trail. Null: not configured (provenance then answers without proofs).
   */
  readonly ledger: LedgerApiConfig | null;
}

export type CatalogConfig = CommonConfig & CatalogSettings;

/** The catalog service's environment: the common variables (docs/services.md) plus its own. */
export const catalogConfigSchema = z
  .object({
    ...commonEnvShape({ defaultPort: CATALOG_DEFAULT_PORT }),
    ACCORD_KEYS_FILE: optionalVar(z.string().min(1)),
    ...ledgerApiEnvShape,
  })
  .superRefine(checkLedgerApiPair)
  .transform((env): CatalogConfig => {
    const common = toCommonConfig('catalog', env);
    return {
      ...common,
      ...departmentKeysFile(common, env.ACCORD_KEYS_FILE),
      ledger: ledgerApiOf(env),
    };
  });
