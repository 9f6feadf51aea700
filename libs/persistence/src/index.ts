export * from './persistence.errors';
export * from './database.config';
export { openDatabase, closeDatabase, type OpenDatabaseOptions } from './database.factory';
export { withTransaction, type IsolationLevel } from './transaction.helper';
export { isDatabaseReady } from './database-readiness.check';
export { ConsumerCheckpointRepository } from './checkpoint/consumer-checkpoint.repository';
export {
  CreateConsumerCheckpoint1764000000000,
  persistenceMigrations,
} from './checkpoint/consumer-checkpoint.migration';
export { insertRows, MAX_BIND_PARAMETERS } from './multi-row-insert.helper';
