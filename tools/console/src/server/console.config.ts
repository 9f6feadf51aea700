import { z } from 'zod';
import {
  defaultedVar,
  DEPARTMENT_ID,
  loadConfig,
  LOG_LEVELS,
  portVar,
  type Env,
  type LogLevel,
} from '@accord/service-kit';

/** The department services the console proxies to. */
export const SERVICE_NAMES = ['ledger', 'contracts', 'catalog', 'storage-gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type ServiceUrls = Readonly<Record<ServiceName, string>>;

export interface ConsoleDepartment {
  readonly id: string;
  readonly urls: ServiceUrls;
}

const serviceUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

export const departmentsSchema = z
  .array(
    z.strictObject({
      id: z.string().regex(DEPARTMENT_ID, 'must be a department id'),
      urls: z.strictObject({
        ledger: serviceUrl,
        contracts: serviceUrl,
        catalog: serviceUrl,
        'storage-gateway': serviceUrl,
      }),
    }),
  )
  .min(1, 'must list at least one department')
  .refine((list) => new Set(list.map((d) => d.id)).size === list.length, 'department ids must be unique');

const departmentsVar = z.string().transform((raw, ctx): unknown => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON: [{"id": ..., "urls": {"ledger": ..., ...}}]' });
    return z.NEVER;
  }
});

const consoleEnvSchema = z.object({
  ACCORD_CONSOLE_DEPARTMENTS: departmentsVar.pipe(departmentsSchema),
  ACCORD_HTTP_HOST: defaultedVar(z.string().min(1), '127.0.0.1'),
  ACCORD_HTTP_PORT: defaultedVar(portVar, 7100),
  ACCORD_LOG_LEVEL: defaultedVar(z.enum(LOG_LEVELS), 'info'),
});

export interface ConsoleConfig {
  readonly departments: readonly ConsoleDepartment[];
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
}

/** The standalone console's configuration from the environment; throws ConfigError naming every bad variable. */
export function loadConsoleConfig(env: Env): ConsoleConfig {
  const parsed = loadConfig(consoleEnvSchema, env, 'console configuration');
  return {
    departments: parsed.ACCORD_CONSOLE_DEPARTMENTS,
    host: parsed.ACCORD_HTTP_HOST,
    port: parsed.ACCORD_HTTP_PORT,
    logLevel: parsed.ACCORD_LOG_LEVEL,
  };
}
