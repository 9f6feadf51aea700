import { z } from 'zod';
import { commonEnvShape, toCommonConfig } from '@accord/service-kit';

/** Port when ACCORD_HTTP_PORT is unset (`accord up` uses base port + 2). */
export const CATALOG_DEFAULT_PORT = 7102;

/** The catalog service's environment: the common variables (docs/services.md). */
export const catalogConfigSchema = z
  .object(commonEnvShape({ defaultPort: CATALOG_DEFAULT_PORT }))
  .transform((env) => toCommonConfig('catalog', env));

export type CatalogConfig = z.output<typeof catalogConfigSchema>;
