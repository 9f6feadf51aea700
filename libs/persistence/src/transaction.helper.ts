import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { NestedTransactionError } from './persistence.errors';

export type { IsolationLevel };

/** Data sources with a transaction open in the current async context. */
const openTransactions = new AsyncLocalStorage<ReadonlySet<DataSource>>();

/**
 * Runs `fn` in one transaction: commits when it resolves, rolls back when it
 * throws (and rethrows). Do all work through the given manager.
 *
 * Calling withTransaction again for the same data source from inside `fn` is
 * refused with NestedTransactionError: on PGlite (one connection) it would wait
 * for itself forever, on PostgreSQL it would commit independently of the
 * outer transaction.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  fn: (manager: EntityManager) => Promise<T>,
  options: { readonly isolationLevel?: IsolationLevel } = {},
): Promise<T> {
  const open = openTransactions.getStore();
  if (open?.has(dataSource)) {
    throw new NestedTransactionError('a transaction on this data source is already open here; use its manager instead');
  }
  const inner = new Set(open ?? []).add(dataSource);
  return openTransactions.run(inner, () =>
    options.isolationLevel ? dataSource.transaction(options.isolationLevel, fn) : dataSource.transaction(fn),
  );
}
