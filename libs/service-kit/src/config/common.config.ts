import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KAFKA_SASL_MECHANISMS } from '@accord/event-bus';
import { z } from 'zod';
import { readApiTokenFileSync } from '../auth/api-token-file';
import { parseApiTokenList, type ApiTokenEntry } from '../auth/api-token.model';
import { ConfigError, type ConfigProblem } from './config.errors';

export type { ApiTokenEntry } from '../auth/api-token.model';

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
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      /** TLS to the brokers (ACCORD_BUS_TLS, ACCORD_BUS_TLS_CA_FILE); absent: plain TCP. */
      readonly tls?: KafkaTlsSpec;
      /** SASL authentication (ACCORD_BUS_SASL_*); absent: none. */
      readonly sasl?: KafkaSaslSpec;
    }
  | { readonly kind: 'embedded'; readonly dataDir: string };

/** `ca`: the PEM certificates to trust instead of the system CAs (e.g. Strimzi's cluster CA). */
export interface KafkaTlsSpec {
  readonly ca?: string;
}

export interface KafkaSaslSpec {
  readonly mechanism: (typeof KAFKA_SASL_MECHANISMS)[number];
  readonly username: string;
  readonly password: string;
}

/**
 * Where the department's API tokens come from: the inline list of
 * ACCORD_API_TOKENS (fixed until a redeploy) or the token store file of
 * ACCORD_API_TOKENS_FILE (shared by the department's services, reloaded when
 * it changes, written by the token admin API).
 */
export type ApiTokenSource =
  | { readonly kind: 'inline'; readonly entries: readonly ApiTokenEntry[] }
  | { readonly kind: 'file'; readonly path: string };

export interface CommonConfig {
  readonly service: string;
  readonly department: string;
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly database: DatabaseSpec;
  readonly bus: BusSpec;
  readonly apiTokens: ApiTokenSource;
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

/** A PEM file of CA certificates, read at start (a mounted Secret does not change under a running pod's config). */
export const pemCaFileVar = z.string().transform((raw, ctx): string => {
  const path = resolve(raw);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    ctx.addIssue({ code: 'custom', message: `${path}: could not be read` });
    return z.NEVER;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    ctx.addIssue({ code: 'custom', message: `${path}: must be a PEM file with at least one CERTIFICATE` });
    return z.NEVER;
  }
  return pem;
});

const booleanVar = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** JSON array `[{"name":"alice","sha256":"<hex>","roles":["provider"]}]` (hashes only, never tokens). */
export const apiTokensVar = z.string().transform((raw, ctx): readonly ApiTokenEntry[] => {
  const result = parseApiTokenList(raw);
  if (result.ok) return result.entries;
  for (const message of result.problems) ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
});

/**
 * Path of the token store file, resolved. The file must exist and hold a
 * valid list at start (the service refuses to start rather than run with no
 * or unknown tokens); later changes are reloaded by the file store.
 */
export const apiTokensFileVar = z.string().transform((raw, ctx): string => {
  const path = resolve(raw);
  const read = readApiTokenFileSync(path);
  if (read.kind === 'loaded') return path;
  const problems = read.kind === 'invalid' ? read.problems : ['could not be read'];
  for (const problem of problems) ctx.addIssue({ code: 'custom', message: `${path}: ${problem}` });
  return z.NEVER;
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
    ACCORD_BUS_TLS: optionalVar(booleanVar),
    ACCORD_BUS_TLS_CA_FILE: optionalVar(pemCaFileVar),
    ACCORD_BUS_SASL_MECHANISM: optionalVar(
      z.enum(KAFKA_SASL_MECHANISMS, { error: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` }),
    ),
    ACCORD_BUS_SASL_USERNAME: optionalVar(z.string().min(1)),
    ACCORD_BUS_SASL_PASSWORD: optionalVar(z.string().min(1)),
    ACCORD_API_TOKENS: optionalVar(apiTokensVar),
    ACCORD_API_TOKENS_FILE: optionalVar(apiTokensFileVar),
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
    bus: busSpecOf(env, dataDir),
    apiTokens: apiTokenSourceOf(env),
    ...(env.ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  };
}

/**
 * Exactly one of ACCORD_API_TOKENS and ACCORD_API_TOKENS_FILE: with neither
 * no one could call the service, with both it would be unclear which list
 * counts. Raised from a schema's transform (the variables are checked one by
 * one before), so loadConfig reports it once every variable parses.
 */
function apiTokenSourceOf(env: Pick<CommonEnv, 'ACCORD_API_TOKENS' | 'ACCORD_API_TOKENS_FILE'>): ApiTokenSource {
  const inline = env.ACCORD_API_TOKENS;
  const file = env.ACCORD_API_TOKENS_FILE;
  if (inline !== undefined && file === undefined) return { kind: 'inline', entries: inline };
  if (file !== undefined && inline === undefined) return { kind: 'file', path: file };
  throw new ConfigError([
    {
      variable: 'ACCORD_API_TOKENS_FILE',
      reason:
        inline === undefined
          ? 'set exactly one of ACCORD_API_TOKENS_FILE (token store file) or ACCORD_API_TOKENS (inline list); neither is set'
          : 'set exactly one of ACCORD_API_TOKENS_FILE (token store file) or ACCORD_API_TOKENS (inline list); both are set',
    },
  ]);
}

type BusEnv = Pick<
  CommonEnv,
  | 'ACCORD_BUS'
  | 'ACCORD_BUS_TLS'
  | 'ACCORD_BUS_TLS_CA_FILE'
  | 'ACCORD_BUS_SASL_MECHANISM'
  | 'ACCORD_BUS_SASL_USERNAME'
  | 'ACCORD_BUS_SASL_PASSWORD'
>;

const SASL_VARIABLES = ['ACCORD_BUS_SASL_MECHANISM', 'ACCORD_BUS_SASL_USERNAME', 'ACCORD_BUS_SASL_PASSWORD'] as const;

/**
 * The bus with its Kafka security settings. TLS is on with ACCORD_BUS_TLS=true
 * or a CA file; SASL needs its three variables together. Security variables
 * without a Kafka bus, or contradicting each other, are refused rather than
 * ignored: a department must never talk to Kafka less securely than asked.
 */
function busSpecOf(env: BusEnv, dataDir: string): BusSpec {
  const bus = env.ACCORD_BUS ?? { kind: 'embedded', dataDir: resolve(dataDir, '_bus') };
  const problems: ConfigProblem[] = [];
  const securityVariables = (['ACCORD_BUS_TLS', 'ACCORD_BUS_TLS_CA_FILE', ...SASL_VARIABLES] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (bus.kind !== 'kafka') {
    for (const variable of securityVariables)
      problems.push({ variable, reason: 'is only used with ACCORD_BUS=kafka:<host:port>,...' });
    if (problems.length > 0) throw new ConfigError(problems);
    return bus;
  }
  if (env.ACCORD_BUS_TLS === false && env.ACCORD_BUS_TLS_CA_FILE !== undefined) {
    problems.push({ variable: 'ACCORD_BUS_TLS_CA_FILE', reason: 'is set while ACCORD_BUS_TLS=false' });
  }
  const saslSet = SASL_VARIABLES.filter((name) => env[name] !== undefined);
  if (saslSet.length > 0) {
    for (const variable of SASL_VARIABLES.filter((name) => env[name] === undefined))
      problems.push({ variable, reason: `is required with ${saslSet.join(', ')}` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const tlsOn = env.ACCORD_BUS_TLS === true || env.ACCORD_BUS_TLS_CA_FILE !== undefined;
  const { ACCORD_BUS_SASL_MECHANISM: mechanism, ACCORD_BUS_SASL_USERNAME: username } = env;
  const password = env.ACCORD_BUS_SASL_PASSWORD;
  return {
    ...bus,
    ...(tlsOn ? { tls: env.ACCORD_BUS_TLS_CA_FILE === undefined ? {} : { ca: env.ACCORD_BUS_TLS_CA_FILE } } : {}),
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}

/**
 * Validates `env` against a service's schema. Throws ConfigError naming every
 * bad variable with its reason; values are never echoed (they may be secrets).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env, subject?: string): z.output<S> {
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(env);
  } catch (error) {
    // A rule across variables, raised by a transform (apiTokenSourceOf).
    if (error instanceof ConfigError) throw new ConfigError(error.problems, subject);
    throw error;
  }
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
