import type { EntityManager } from 'typeorm';

/** PostgreSQL's limit on bind parameters per statement (the protocol counts them in 16 bits). */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * INSERT of many rows as few multi-row statements as the bind-parameter
 * limit allows. `table` and `columns` are trusted identifiers from this
 * code, never input. `suffix` is appended to every statement (e.g. an
 * ON CONFLICT or RETURNING clause); the rows it returns are collected.
 */
export async function insertRows(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<unknown[]> {
  const returned: unknown[] = [];
  if (rows.length === 0) return returned;
  const perStatement = Math.floor(MAX_BIND_PARAMETERS / columns.length);
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      if (row.length !== columns.length)
        throw new Error(`insertRows(${table}): a row has ${row.length} values for ${columns.length} columns`);
      const placeholders: string[] = [];
      for (const value of row) {
        params.push(value);
        placeholders.push(`$${params.length}`);
      }
      tuples.push(`(${placeholders.join(', ')})`);
    }
    const result: unknown = await manager.query(`${head}${tuples.join(', ')}${suffix ? ` ${suffix}` : ''}`, params);
    if (Array.isArray(result)) returned.push(...result);
  }
  return returned;
}
