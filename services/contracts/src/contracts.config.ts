import { z } from 'zod';
import { commonEnvShape, toCommonConfig } from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 1). */
export const CONTRACTS_DEFAULT_PORT = 7101;

/** The contracts service's environment: the common variables (docs/services.md). */
export const contractsConfigSchema = z
  .object(commonEnvShape({ defaultPort: CONTRACTS_DEFAULT_PORT }))
  .transform((env) => toCommonConfig('contracts', env));

export type ContractsConfig = z.output<typeof contractsConfigSchema>;
