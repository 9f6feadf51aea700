import { InvalidDatabaseConfigError } from './persistence.errors';

/** Cluster mode: a PostgreSQL server reached with the `pg` driver. */
export interface PostgresDatabaseConfig {
  readonly kind: 'postgres';
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /**
   * Schema holding this service's tables (created if missing; default: the
   * server's `search_path`, usually `public`). Lets several services or test
   * runs share one database. Lower-case letters, digits and `_` only.
   */
  readonly schema?: string;
  /** Connections kept by the pool (default 10). */
  readonly poolSize?: number;
  /** Fail when no connection is obtained within this time (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Shown in `pg_stat_activity`. */
  readonly applicationName?: string;
}

/** Embedded mode: PGlite (PostgreSQL compiled to WebAssembly) in this process. */
export interface PgliteDatabaseConfig {
  readonly kind: 'pglite';
  /** A directory on disk, or `memory://` for a throwaway in-memory database. */
  readonly dataDir: string;
}

export type DatabaseConfig = PostgresDatabaseConfig | PgliteDatabaseConfig;

export const PGLITE_MEMORY = 'memory://';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a database configuration (e.g. one assembled from a service's
 * environment) and returns it typed. Lists every problem at once.
 */
export function parseDatabaseConfig(input: unknown): DatabaseConfig {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidDatabaseConfigError('database config must be an object');
  }
  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  switch (raw['kind']) {
    case 'postgres': {
      const url = raw['url'];
      if (typeof url !== 'string' || !isPostgresUrl(url)) {
        problems.push('url must be a postgres:// or postgresql:// URL');
      }
      const schema = raw['schema'];
      if (schema !== undefined && (typeof schema !== 'string' || !SCHEMA_NAME.test(schema))) {
        problems.push('schema must match [a-z_][a-z0-9_]{0,62}');
      }
      checkPositiveInt(raw, 'poolSize', problems);
      checkPositiveInt(raw, 'connectTimeoutMs', problems);
      const app = raw['applicationName'];
      if (app !== undefined && (typeof app !== 'string' || app.length > 63)) {
        problems.push('applicationName must be a string of at most 63 characters');
      }
      fail(problems);
      return {
        kind: 'postgres',
        url: url as string,
        ...(schema !== undefined ? { schema: schema as string } : {}),
        ...(raw['poolSize'] !== undefined ? { poolSize: raw['poolSize'] as number } : {}),
        ...(raw['connectTimeoutMs'] !== undefined ? { connectTimeoutMs: raw['connectTimeoutMs'] as number } : {}),
        ...(app !== undefined ? { applicationName: app as string } : {}),
      };
    }
    case 'pglite': {
      const dataDir = raw['dataDir'];
      if (typeof dataDir !== 'string' || dataDir.length === 0 || dataDir.includes('\0')) {
        problems.push(`dataDir must be a directory path or "${PGLITE_MEMORY}"`);
      }
      fail(problems);
      return { kind: 'pglite', dataDir: dataDir as string };
    }
    default:
      throw new InvalidDatabaseConfigError(
        `database kind must be "postgres" or "pglite", got ${JSON.stringify(raw['kind'])}`,
      );
  }
}

/** The URL with its password masked, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

function isPostgresUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

function checkPositiveInt(raw: Record<string, unknown>, key: string, problems: string[]): void {
  const v = raw[key];
  if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v > 0)) {
    problems.push(`${key} must be a positive integer`);
  }
}

function fail(problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new InvalidDatabaseConfigError(`invalid database config: ${problems.join('; ')}`);
  }
}
