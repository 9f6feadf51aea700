/**
 * Typed persistence errors. Each carries a stable string `code` that survives
 * process boundaries (logs, HTTP problem details, dead-letter records).
 */
export abstract class PersistenceError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database configuration is malformed (bad kind, URL, schema name ...). */
export class InvalidDatabaseConfigError extends PersistenceError {
  readonly code = 'persistence_invalid_config';
}

/** The database could not be reached or opened (refused, auth failed, missing database ...). */
export class DatabaseUnavailableError extends PersistenceError {
  readonly code = 'persistence_unavailable';
}

/** A PGlite data directory is already open in this process; PGlite allows one owner per directory. */
export class DatabaseAlreadyOpenError extends PersistenceError {
  readonly code = 'persistence_already_open';
}

/** A migration failed; the migrations that ran with it were rolled back. */
export class MigrationFailedError extends PersistenceError {
  readonly code = 'persistence_migration_failed';
}

/**
 * `withTransaction` was called while a transaction on the same data source was
 * already open in this async context. On PGlite (one connection) that would
 * wait forever; on PostgreSQL it would silently break atomicity.
 */
export class NestedTransactionError extends PersistenceError {
  readonly code = 'persistence_nested_transaction';
}

/** An operation that must run inside the caller's transaction was called outside one. */
export class NotInTransactionError extends PersistenceError {
  readonly code = 'persistence_not_in_transaction';
}

/** A consumer checkpoint argument (consumer, topic, offset) is invalid. */
export class InvalidCheckpointError extends PersistenceError {
  readonly code = 'checkpoint_invalid';
}

/**
 * A checkpoint may only move forward. Raised when the requested offset is not
 * greater than the stored one, e.g. because a concurrent consumer already
 * applied and committed the same messages: roll back and re-read.
 */
export class CheckpointRegressionError extends PersistenceError {
  readonly code = 'checkpoint_regression';

  constructor(
    readonly consumer: string,
    readonly topic: string,
    readonly current: number,
    readonly requested: number,
  ) {
    super(
      `checkpoint of consumer "${consumer}" on topic "${topic}" is at ${current}; ` +
        `refusing to move it to ${requested} (it may only move forward)`,
    );
  }
}
