import type { CursorKeys } from './search.cursor';
import type { FacetFilters, FacetName, SearchQuery } from './search-query.dto';

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

/** Weights of D, C, B, A: title and keywords (A) well above description (B), publisher/domain/owner (C) below. */
const RANK_WEIGHTS = '{0.05, 0.1, 0.3, 1.0}';

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

export function rankSql(tsQuery: string): string {
  return `ts_rank_cd('${RANK_WEIGHTS}', d.search, ${tsQuery})`;
}

/** One predicate per active facet filter (facets with no values are absent). */
export function facetPredicates(facets: FacetFilters, params: SqlParams): Partial<Record<FacetName, string>> {
  const out: Partial<Record<FacetName, string>> = {};
  const any = (column: string, values: readonly string[]) => `${column} = ANY(${params.add(values)}::text[])`;
  const overlaps = (column: string, values: readonly string[]) => `${column} && ${params.add(values)}::text[]`;
  if (facets.channel.length > 0) out.channel = any('d.channel', facets.channel);
  if (facets.department.length > 0) out.department = any('d.owner', facets.department);
  if (facets.domain.length > 0) out.domain = any('d.domain', facets.domain);
  if (facets.theme.length > 0) out.theme = overlaps('d.themes', facets.theme);
  if (facets.sensitivity.length > 0) out.sensitivity = any('d.sensitivity', facets.sensitivity);
  if (facets.mode.length > 0) out.mode = any('d.governance', facets.mode);
  if (facets.format.length > 0) out.format = overlaps('d.formats', facets.format);
  return out;
}

/** Predicates of every filter that is not a facet: text match, status, subject class, time, coverage, bbox. */
export function basePredicates(query: SearchQuery, tsQuery: string | null, params: SqlParams): string[] {
  const where: string[] = [];
  if (tsQuery !== null) where.push(`d.search @@ ${tsQuery}`);
  where.push(`d.status = ANY(${params.add(query.status)}::text[])`);
  if (query.subjectClass.length > 0) where.push(`d.subject_class = ANY(${params.add(query.subjectClass)}::text[])`);
  if (query.updatedFrom !== null) where.push(`d.updated_time >= ${params.add(query.updatedFrom)}::bigint`);
  if (query.updatedTo !== null) where.push(`d.updated_time <= ${params.add(query.updatedTo)}::bigint`);
  if (query.temporalFrom !== null || query.temporalTo !== null) {
    where.push('(d.temporal_start IS NOT NULL OR d.temporal_end IS NOT NULL)');
    if (query.temporalFrom !== null)
      where.push(`(d.temporal_end IS NULL OR d.temporal_end >= ${params.add(query.temporalFrom)}::date)`);
    if (query.temporalTo !== null)
      where.push(`(d.temporal_start IS NULL OR d.temporal_start <= ${params.add(query.temporalTo)}::date)`);
  }
  if (query.bbox !== null) {
    const { west, south, east, north } = query.bbox;
    const w = params.add(west);
    const e = params.add(east);
    where.push('d.bbox_west IS NOT NULL');
    where.push(`d.bbox_south <= ${params.add(north)}::integer AND d.bbox_north >= ${params.add(south)}::integer`);
    // Longitudes are intervals on a circle: a box with west > east crosses the antimeridian.
    where.push(
      west <= east
        ? `((d.bbox_west <= d.bbox_east AND d.bbox_west <= ${e}::integer AND d.bbox_east >= ${w}::integer) OR (d.bbox_west > d.bbox_east AND (d.bbox_east >= ${w}::integer OR d.bbox_west <= ${e}::integer)))`
        : `(d.bbox_west > d.bbox_east OR d.bbox_west <= ${e}::integer OR d.bbox_east >= ${w}::integer)`,
    );
  }
  return where;
}

/** One order key: its SQL over `d`, the column name it is selected as, direction and the cast of its cursor value. */
export interface OrderKey {
  readonly sql: string;
  readonly column: string;
  readonly direction: 'ASC' | 'DESC';
  readonly cast: string;
}

/** The order of a page; `id` last so the order is total. */
export function orderKeys(sort: 'relevance' | 'newest' | 'title', authoritativeFirst: boolean, rank: string | null) {
  const id: OrderKey = { sql: 'd.id', column: 'id', direction: 'ASC', cast: 'text' };
  const authoritative: OrderKey = {
    sql: AUTHORITATIVE_SQL,
    column: 'authoritative',
    direction: 'DESC',
    cast: 'integer',
  };
  switch (sort) {
    case 'relevance':
      if (rank === null) throw new Error('relevance order needs a text query');
      return [authoritative, { sql: rank, column: 'rank', direction: 'DESC', cast: 'real' }, id] as const;
    case 'newest': {
      const updated: OrderKey = { sql: 'd.updated_time', column: 'updated_time', direction: 'DESC', cast: 'bigint' };
      return authoritativeFirst ? ([authoritative, updated, id] as const) : ([updated, id] as const);
    }
    case 'title':
      return [{ sql: 'lower(d.title)', column: 'title_key', direction: 'ASC', cast: 'text' }, id] as const;
  }
}

/** The values of a cursor in the order of `orderKeys`. */
export function cursorValues(keys: CursorKeys): unknown[] {
  switch (keys.sort) {
    case 'relevance':
      return [keys.authoritative, keys.rank, keys.id];
    case 'newest':
      return keys.authoritative === null ? [keys.updated, keys.id] : [keys.authoritative, keys.updated, keys.id];
    case 'title':
      return [keys.title, keys.id];
  }
}

/**
 * Rows strictly after the cursor in the given order: the expanded
 * lexicographic comparison (directions differ, so no row comparison),
 * plus the first key's bound alone so an index on it can start there
 * instead of walking from the top (no OFFSET, deep pages stay cheap).
 */
export function keysetPredicate(keys: readonly OrderKey[], values: readonly unknown[], params: SqlParams): string {
  const placeholders = keys.map((key, i) => `${params.add(values[i])}::${key.cast}`);
  const after = (i: number) => (keys[i]?.direction === 'DESC' ? '<' : '>');
  const alternatives = keys.map((_, i) => {
    const equal = keys.slice(0, i).map((k, j) => `${k.sql} = ${placeholders[j]}`);
    return `(${[...equal, `${keys[i]?.sql} ${after(i)} ${placeholders[i]}`].join(' AND ')})`;
  });
  const first = keys[0];
  const bound = `${first?.sql} ${first?.direction === 'DESC' ? '<=' : '>='} ${placeholders[0]}`;
  return `(${bound} AND (${alternatives.join(' OR ')}))`;
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
