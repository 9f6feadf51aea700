import type { DynamicModule, Type } from '@nestjs/common';
import type { z } from 'zod';
import type { CommonConfig } from '../config/common.config';
import type { ErrorStatusMap } from '../errors/http-error.mapper';

/**
 * Everything the kit needs to run a service. Each service exports one
 * (e.g. `ledgerService`) from its index, so main.ts, tests and the
 * `accord up` launcher start it the same way.
 */
export interface ServiceDefinition<C extends CommonConfig = CommonConfig> {
  /** kebab-case name: log/metric label, data sub-directory, OpenAPI tag. */
  readonly name: string;
  /** Human title for the OpenAPI document, e.g. "Accord ledger". */
  readonly title: string;
  readonly description?: string;
  readonly version: string;
  /** The service's ONE config schema: env variables in, typed config out. */
  readonly configSchema: z.ZodType<C>;
  /** The service's own Nest module (the kit wraps it with logging, auth, health, metrics, OpenAPI). */
  readonly rootModule: Type<unknown> | DynamicModule;
  /** Largest JSON request body in bytes (default 1 MiB); larger bodies get 413. */
  readonly maxBodyBytes?: number;
  /** HTTP status per domain error code, where the defaults (http-error.mapper.ts) do not fit. */
  readonly errorStatus?: ErrorStatusMap;
}
