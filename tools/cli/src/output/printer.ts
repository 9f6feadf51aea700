import type { CliIo } from '../cli.context';
import { Column, renderFields, renderTable } from './table';

/** `--json`: the value on stdout, indented, as one write (scripts parse all of stdout). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A table on stdout, or `empty` (e.g. "no channels") when there are no rows. */
export function printTable<T>(io: CliIo, rows: readonly T[], columns: readonly Column<T>[], empty: string): void {
  if (rows.length === 0) {
    io.out(empty);
    return;
  }
  for (const line of renderTable(rows, columns)) io.out(line);
}

/** `label: value` lines on stdout. */
export function printFields(io: CliIo, fields: readonly (readonly [string, unknown])[]): void {
  for (const line of renderFields(fields)) io.out(line);
}
