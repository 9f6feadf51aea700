import { insertRows } from '@accord/persistence';
import type { EntityManager } from 'typeorm';

interface PendingInsert {
  readonly table: string;
  readonly columns: readonly string[];
  readonly suffix: string;
  readonly rows: unknown[][];
}

/**
 * The projection's view of one database transaction: inserts are buffered
 * and written as multi-row statements (a catch-up of thousands of
 * registrations is a handful of statements, not thousands), and every read
 * or update first writes what is buffered, so statements always see the
 * rows before them in chain order.
 */
export class ProjectionTx {
  private readonly pending = new Map<string, PendingInsert>();

  constructor(readonly manager: EntityManager) {}

  /** Buffers one row for `table`; `suffix` is the statement's ON CONFLICT clause. */
  insert(table: string, columns: readonly string[], row: unknown[], suffix = 'ON CONFLICT DO NOTHING'): void {
    const key = `${table}(${columns.join(',')})${suffix}`;
    let insert = this.pending.get(key);
    if (insert === undefined) {
      insert = { table, columns, suffix, rows: [] };
      this.pending.set(key, insert);
    }
    insert.rows.push(row);
  }

  /** Runs a statement after writing what is buffered. */
  async query<T = unknown>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await this.flush();
    return (await this.manager.query(sql, [...params])) as T[];
  }

  /** Writes the buffered rows, table by table in the order they were first buffered. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const inserts = [...this.pending.values()];
    this.pending.clear();
    for (const { table, columns, suffix, rows } of inserts)
      await insertRows(this.manager, table, columns, rows, suffix);
  }
}
