/** One column of a table: its header and how to show a row's cell. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => unknown;
  /** Numbers read better right-aligned. */
  readonly align?: 'left' | 'right';
}

/** A cell as text: empty for null/undefined, lists joined with commas, objects as compact JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(cellText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Rows as aligned text columns under an upper-case header, two spaces
 * apart, without trailing spaces. Line breaks in cells become spaces so a
 * row stays one line.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row)).replace(/\s*\n\s*/g, ' ')));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = columns.map((_, i) => Math.max(headers[i].length, ...cells.map((line) => line[i].length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (columns[i].align === 'right' ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)];
}

/** Label/value pairs as `label: value` lines with the values aligned; undefined values are left out. */
export function renderFields(fields: readonly (readonly [string, unknown])[]): string[] {
  const shown = fields.filter(([, value]) => value !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)} ${cellText(value)}`.trimEnd());
}
