import { resolve } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from '../auth/principal.model';
import { ConfigError, type ConfigProblem } from './config.errors';

/**
 * Environment variables every service shares, their parsers, and
 * loadConfig(). Each service declares ONE schema in its `<name>.config.ts`:
 * `z.object({...commonEnvShape(...), ...own}).transform(...)`.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Department (member) ids: lower-case DNS-label style, usable in paths, topics and Helm release names. */
export const DEPARTMENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type DatabaseSpec =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string }
  /** `dataDir` is a directory, or `memory://` for a throw-away in-memory database. */
  | { readonly kind: 'pglite'; readonly dataDir: string };

export type BusSpec =
  | { readonly kind: 'kafka'; readonly brokers: readonly string[] }
  | { readonly kind: 'embedded'; readonly dataDir: string };

export interface ApiTokenEntry {
  readonly name: string;
  /** Lower-case hex SHA-256 of the token (UTF-8). */
  readonly sha256: string;
  readonly roles: readonly Role[];
}

export interface CommonConfig {
  readonly service: string;
  readonly department: string;
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly database: DatabaseSpec;
  readonly bus: BusSpec;
  readonly apiTokens: readonly ApiTokenEntry[];
  /** OTLP/HTTP base URL (traces go to `<url>/v1/traces`); no exporter when absent. */
  readonly otlpEndpoint?: string;
}

// Deployment tools often render unset variables as empty strings.
const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

/** An optional variable; empty means unset. */
export function optionalVar<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUnset, schema.optional());
}

/** A variable with a default; empty means unset. */
export function defaultedVar<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  return z.preprocess(blankAsUnset, schema.default(fallback as never));
}

export const portVar = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a TCP port number (0-65535)')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a TCP port number (0-65535)');

export const departmentVar = z
  .string()
  .regex(DEPARTMENT_ID, 'must be a department id: lower-case letters, digits and inner hyphens, at most 63 characters');

const logLevelVar = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

const urlVar = z.string().refine((v) => URL.canParse(v), 'must be an absolute URL');

/** `pglite:<dir>` | `pglite:memory` | `postgres://user:pass@host:port/db`. */
export const databaseVar = z.string().transform((raw, ctx): DatabaseSpec => {
  if (raw === 'pglite:memory') return { kind: 'pglite', dataDir: 'memory://' };
  if (raw.startsWith('pglite:') && raw.length > 'pglite:'.length) {
    return { kind: 'pglite', dataDir: resolve(raw.slice('pglite:'.length)) };
  }
  if (/^postgres(ql)?:\/\//.test(raw) && URL.canParse(raw)) return { kind: 'postgres', url: raw };
  ctx.addIssue({
    code: 'custom',
    message: 'must be pglite:<dir>, pglite:memory or postgres://user:password@host:port/database',
  });
  return z.NEVER;
});

/** `embedded:<dir>` | `kafka:<host:port>[,<host:port>...]`. */
export const busVar = z.string().transform((raw, ctx): BusSpec => {
  if (raw.startsWith('embedded:') && raw.length > 'embedded:'.length) {
    return { kind: 'embedded', dataDir: resolve(raw.slice('embedded:'.length)) };
  }
  if (raw.startsWith('kafka:')) {
    const brokers = raw
      .slice('kafka:'.length)
      .split(',')
      .map((b) => b.trim());
    if (brokers.length > 0 && brokers.every((b) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)))
      return { kind: 'kafka', brokers };
  }
  ctx.addIssue({ code: 'custom', message: 'must be embedded:<dir> or kafka:<host:port>[,<host:port>...]' });
  return z.NEVER;
});

const apiTokenEntrySchema = z
  .object({
    name: z.string().min(1).max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex SHA-256 of the token'),
    roles: z
      .array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }))
      .min(1, 'must list at least one role'),
  })
  .strict();

/** JSON array `[{"name":"alice","sha256":"<hex>","roles":["provider"]}]` (hashes only, never tokens). */
export const apiTokensVar = z.string().transform((raw, ctx): ApiTokenEntry[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {name, sha256, roles} (not valid JSON)' });
    return z.NEVER;
  }
  const result = z.array(apiTokenEntrySchema).safeParse(parsed);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.length > 0 ? `[${issue.path.map(String).join('].[')}]` : '';
      ctx.addIssue({ code: 'custom', message: `${where ? `entry ${where}: ` : ''}${issue.message}` });
    }
    return z.NEVER;
  }
  const names = result.data.map((e) => e.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    ctx.addIssue({ code: 'custom', message: `token name "${duplicate}" is listed twice` });
    return z.NEVER;
  }
  return result.data;
});

export interface CommonShapeOptions {
  /** Port used when ACCORD_HTTP_PORT is unset (the launcher's base port + offset). */
  readonly defaultPort: number;
}

/** The common variables, to spread into a service's z.object(). */
export function commonEnvShape(options: CommonShapeOptions) {
  return {
    ACCORD_DEPARTMENT: departmentVar,
    ACCORD_DATA_DIR: defaultedVar(z.string(), '.accord'),
    ACCORD_HTTP_HOST: defaultedVar(z.string().min(1), '127.0.0.1'),
    ACCORD_HTTP_PORT: defaultedVar(portVar, options.defaultPort),
    ACCORD_LOG_LEVEL: defaultedVar(logLevelVar, 'info'),
    ACCORD_DATABASE: optionalVar(databaseVar),
    ACCORD_DATABASE_SCHEMA: optionalVar(
      z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier'),
    ),
    ACCORD_BUS: optionalVar(busVar),
    ACCORD_API_TOKENS: apiTokensVar,
    ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT: optionalVar(urlVar),
  };
}

type CommonEnv = z.output<z.ZodObject<ReturnType<typeof commonEnvShape>>>;

/**
 * Maps parsed common variables to CommonConfig. Defaults put a service's
 * data under `<ACCORD_DATA_DIR>/<department>/<service>/` and the shared
 * embedded log under `<ACCORD_DATA_DIR>/_bus/` — the layout `accord up` uses.
 */
export function toCommonConfig(service: string, env: CommonEnv): CommonConfig {
  const dataDir = resolve(env.ACCORD_DATA_DIR);
  let database: DatabaseSpec = env.ACCORD_DATABASE ?? {
    kind: 'pglite',
    dataDir: resolve(dataDir, env.ACCORD_DEPARTMENT, service, 'db'),
  };
  if (database.kind === 'postgres') {
    database = { ...database, schema: env.ACCORD_DATABASE_SCHEMA ?? service.replace(/-/g, '_') };
  }
  return {
    service,
    department: env.ACCORD_DEPARTMENT,
    dataDir,
    httpHost: env.ACCORD_HTTP_HOST,
    httpPort: env.ACCORD_HTTP_PORT,
    logLevel: env.ACCORD_LOG_LEVEL,
    database,
    bus: env.ACCORD_BUS ?? { kind: 'embedded', dataDir: resolve(dataDir, '_bus') },
    apiTokens: env.ACCORD_API_TOKENS,
    ...(env.ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  };
}

/**
 * Validates `env` against a service's schema. Throws ConfigError naming every
 * bad variable with its reason; values are never echoed (they may be secrets).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env, subject?: string): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : '(environment)';
    const missing = issue.path.length === 1 && env[variable] === undefined;
    const reason = missing && issue.code === 'invalid_type' ? 'is required' : issue.message;
    if (!problems.some((p) => p.variable === variable && p.reason === reason)) problems.push({ variable, reason });
  }
  throw new ConfigError(problems, subject);
}
