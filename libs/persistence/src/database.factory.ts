import { resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { DataSource, MigrationExecutor, type Logger, type MixedList, type EntitySchema } from 'typeorm';
import { persistenceMigrations } from './checkpoint/consumer-checkpoint.migration';
import {
  PGLITE_MEMORY,
  parseDatabaseConfig,
  redactUrl,
  type DatabaseConfig,
  type PgliteDatabaseConfig,
  type PostgresDatabaseConfig,
} from './database.config';
import { pgliteBlockedReason } from './pglite-runtime.config';
import {
  DatabaseAlreadyOpenError,
  DatabaseUnavailableError,
  MigrationFailedError,
  PersistenceError,
} from './persistence.errors';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own option type
type ClassOrPath = Function | string;

export interface OpenDatabaseOptions {
  /** TypeORM entities (persistence shapes, not domain types). */
  readonly entities?: MixedList<ClassOrPath | EntitySchema>;
  /** The caller's migrations; this library's own run first. Schema changes only through these. */
  readonly migrations?: MixedList<ClassOrPath>;
  readonly logger?: Logger;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const MIGRATIONS_TABLE = 'migrations';

/** What closeDatabase must release besides the DataSource itself. */
const cleanups = new WeakMap<DataSource, () => Promise<void>>();
/** PGlite data dirs open in this process (PGlite has no cross-instance locking). */
const openPgliteDirs = new Set<string>();

/**
 * Opens the database for `config`, runs pending migrations (never
 * `synchronize`) and returns the initialised DataSource.
 *
 * PGlite is ONE connection: the pool has size 1, so transactions and queries
 * are serialised; never use the DataSource from inside a transaction callback
 * (use the callback's manager), or it waits for itself.
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<DataSource> {
  const valid = parseDatabaseConfig(config);
  const migrations = [...persistenceMigrations, ...toArray(options.migrations)];
  const common: CommonOptions = {
    type: 'postgres',
    entities: options.entities ?? [],
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    ...(options.logger ? { logger: options.logger } : {}),
  };
  return valid.kind === 'postgres' ? openPostgres(valid, common) : openPglite(valid, common);
}

/** Closes the DataSource (and the PGlite instance behind it). Idempotent. */
export async function closeDatabase(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  const cleanup = cleanups.get(dataSource);
  cleanups.delete(dataSource);
  if (cleanup) await cleanup();
}

type CommonOptions = {
  type: 'postgres';
  entities: MixedList<ClassOrPath | EntitySchema>;
  migrations: ClassOrPath[];
  migrationsTableName: string;
  migrationsRun: false;
  synchronize: false;
  logger?: Logger;
};

async function openPostgres(config: PostgresDatabaseConfig, common: CommonOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    ...common,
    url: config.url,
    ...(config.schema ? { schema: config.schema } : {}),
    poolSize: config.poolSize ?? DEFAULT_POOL_SIZE,
    connectTimeoutMS: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(config.applicationName ? { applicationName: config.applicationName } : {}),
    // Unqualified names in migrations and queries resolve to the schema.
    extra: config.schema ? { options: `-c search_path="${config.schema}"` } : {},
  });
  try {
    await dataSource.initialize();
    listenOnCheckedOutClients(dataSource);
  } catch (err) {
    await destroyQuietly(dataSource);
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${redactUrl(config.url)}: ${messageOf(err)}`, {
      cause: err,
    });
  }
  await migrate(dataSource, config.schema);
  return dataSource;
}

/**
 * pg emits 'error' on a client that is checked out but runs no statement
 * (between the statements of a transaction) when the server ends its
 * connection, e.g. a PostgreSQL restart. Without a listener that is an
 * uncaught exception and the service process dies; the pool listens only
 * on idle clients. This listens on every client the pool hands out: the
 * error is dropped here and the next statement on that client fails with
 * the connection error, which the caller handles (and retries).
 */
function listenOnCheckedOutClients(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: NodeJS.EventEmitter }).master;
  const guarded = new WeakSet<NodeJS.EventEmitter>();
  pool?.on('acquire', (client: NodeJS.EventEmitter) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', () => undefined);
  });
}

async function openPglite(config: PgliteDatabaseConfig, common: CommonOptions): Promise<DataSource> {
  const blocked = pgliteBlockedReason();
  if (blocked) throw new DatabaseUnavailableError(blocked);
  const memory = config.dataDir === PGLITE_MEMORY;
  const dir = memory ? PGLITE_MEMORY : resolve(config.dataDir);
  if (!memory) {
    if (openPgliteDirs.has(dir)) {
      throw new DatabaseAlreadyOpenError(`PGlite data dir ${dir} is already open in this process`);
    }
    openPgliteDirs.add(dir);
  }
  const release = async (): Promise<void> => {
    if (!memory) openPgliteDirs.delete(dir);
  };
  let pglite: PGlite | undefined;
  let createPgConfig: typeof import('@electric-sql/pglite/node-postgres').createPgConfig;
  try {
    // Loaded here, not at the top: PGlite is one large bundle (about 60 ms
    // to load) that a service on PostgreSQL never needs.
    const [{ PGlite: PGliteClass }, bridge] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/node-postgres'),
    ]);
    createPgConfig = bridge.createPgConfig;
    if (!memory) await mkdir(dir, { recursive: true });
    pglite = await PGliteClass.create(dir);
  } catch (err) {
    await release();
    throw new DatabaseUnavailableError(`cannot open PGlite data dir ${dir}: ${messageOf(err)}`, { cause: err });
  }
  const instance = pglite;
  const dataSource = new DataSource({
    ...common,
    // The real `pg` driver over PGlite's wire-protocol bridge: same types,
    // row counts and errors as the PostgreSQL mode. One connection only.
    extra: createPgConfig(instance),
    poolSize: 1,
  });
  cleanups.set(dataSource, async () => {
    try {
      if (!instance.closed) await instance.close();
    } finally {
      await release();
    }
  });
  try {
    await dataSource.initialize();
  } catch (err) {
    await closeDatabase(dataSource);
    throw new DatabaseUnavailableError(`cannot open PGlite data dir ${dir}: ${messageOf(err)}`, { cause: err });
  }
  await migrate(dataSource, undefined);
  return dataSource;
}

/**
 * Runs pending migrations in one transaction. A session advisory lock taken on
 * the same connection makes concurrent starters (replicas, test workers) wait
 * instead of applying the same migration twice.
 */
async function migrate(dataSource: DataSource, schema: string | undefined): Promise<void> {
  const runner = dataSource.createQueryRunner();
  const lockKey = `accord-migrations:${schema ?? ''}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } catch (err) {
    await runner.release();
    await closeDatabase(dataSource);
    if (err instanceof PersistenceError) throw err;
    throw new MigrationFailedError(`migrations failed: ${messageOf(err)}`, { cause: err });
  }
  await runner.release();
}

function toArray<T>(list: MixedList<T> | undefined): T[] {
  if (list === undefined) return [];
  return Array.isArray(list) ? [...list] : Object.values(list as Record<string, T>);
}

async function destroyQuietly(dataSource: DataSource): Promise<void> {
  try {
    if (dataSource.isInitialized) await dataSource.destroy();
  } catch {
    // Already failing with a more useful error.
  }
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message : String(err);
}
