/**
 * SQL fragments of GET /v1/datasets over catalog_dataset (alias `d`). Every
 * value goes through a bind parameter; only fixed text from this file is
 * spliced into the statements.
 */

/** Bind parameters of one statement: `add(value)` returns its placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export const AUTHORITATIVE_SQL =
  '(CASE WHEN EXISTS (SELECT 1 FROM catalog_authority a WHERE a.channel = d.channel AND a.domain = d.domain AND a.department = d.owner) THEN 1 ELSE 0 END)';

/** Shortest last word completed as a prefix: shorter ones would match most of the catalog. */
const MIN_PREFIX_LENGTH = 3;
const WORD = /^[\p{L}\p{N}_]+$/u;

/**
 * The tsquery of `q`: websearch_to_tsquery (quotes, `or`, `-word`; never a
 * syntax error, so operators and SQL metacharacters are just text), with the
 * last word also matching as a prefix when `q` ends in a plain word outside
 * quotes. The prefix lexeme is built only from letters, digits and `_`, so
 * to_tsquery cannot see an operator in it.
 */
export function tsQuerySql(q: string, params: SqlParams): string {
  const whole = () => `websearch_to_tsquery('simple', ${params.add(q)}::text)`;
  const tokens = q.split(/\s+/);
  const last = tokens[tokens.length - 1] ?? '';
  const before = tokens[tokens.length - 2]?.toLowerCase();
  const quotes = (q.match(/"/g) ?? []).length;
  if (!WORD.test(last) || last.length < MIN_PREFIX_LENGTH || quotes % 2 === 1 || before === 'or' || last === 'or')
    return whole();
  const rest = tokens.slice(0, -1).join(' ');
  const prefix = `to_tsquery('simple', ${params.add(`'${last}':*`)}::text)`;
  return rest === '' ? prefix : `(websearch_to_tsquery('simple', ${params.add(rest)}::text) && ${prefix})`;
}

/** HTML-escapes a text column in SQL, before ts_headline adds its marks. */
export function escapeHtmlSql(column: string): string {
  return `replace(replace(replace(replace(replace(${column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
