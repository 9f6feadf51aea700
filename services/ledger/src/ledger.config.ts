import { z } from 'zod';
import { commonEnvShape, toCommonConfig } from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port). */
export const LEDGER_DEFAULT_PORT = 7100;

/** The ledger service's environment: the common variables (docs/services.md). */
export const ledgerConfigSchema = z
  .object(commonEnvShape({ defaultPort: LEDGER_DEFAULT_PORT }))
  .transform((env) => toCommonConfig('ledger', env));

export type LedgerConfig = z.output<typeof ledgerConfigSchema>;
