import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AUTHORITATIVE_SQL,
  basePredicates,
  cursorValues,
  escapeHtmlSql,
  facetPredicates,
  keysetPredicate,
  orderKeys,
  rankSql,
  SqlParams,
  tsQuerySql,
} from './search-sql.builder';
import type { StandingColumns } from './dataset-standing.mapper';
import type { CursorKeys } from './search.cursor';
import type { FacetName, SearchQuery } from './search-query.dto';

/** A hit row as selected (bigint and float4 columns arrive as text). */
export interface HitRow extends StandingColumns {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly domain: string;
  readonly themes: string[];
  readonly keywords: string[];
  readonly sensitivity: string;
  readonly governance: string;
  readonly formats: string[];
  readonly version: number;
  readonly status: string;
  readonly updated_time: string;
  readonly authoritative: number;
  readonly rank: string | null;
  readonly title_key: string;
  readonly title_html: string | null;
  readonly snippet_html: string | null;
  readonly open_reports: string;
}

/** The standing columns every dataset read selects (latest request of `department`, alias r_). */
export const STANDING_SELECT = `r.id AS r_id, r.status AS r_status, r.grant_status AS r_grant_status, r.code AS r_code,
  r.message AS r_message, r.expires_at AS r_expires_at, r.accesses_used AS r_accesses_used,
  r.max_accesses AS r_max_accesses, r.requested_time AS r_requested_time`;
export const standingJoin = (department: string) => `LEFT JOIN LATERAL (
    SELECT * FROM catalog_request r
    WHERE r.requester = ${department} AND r.dataset = d.id
    ORDER BY r.requested_height DESC, r.requested_time DESC, r.id DESC LIMIT 1
  ) r ON true`;

export interface FacetRow {
  readonly facet: FacetName | 'total';
  readonly value: string | null;
  readonly n: string;
}

const HEADLINE_TITLE = 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true';
const HEADLINE_DESCRIPTION =
  'StartSel=<mark>, StopSel=</mark>, MinWords=12, MaxWords=30, MaxFragments=2, FragmentDelimiter=" … "';

/** The search statements over the projected tables (PostgreSQL or PGlite). */
@Injectable()
export class SearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page of hits in the query's order, after `cursor`, `limit` rows at
   * most. The page's ids are chosen first; snippets, standing and report
   * counts are computed for those rows only.
   */
  async page(
    query: SearchQuery,
    sort: 'relevance' | 'newest' | 'title',
    authoritativeFirst: boolean,
    cursor: CursorKeys | null,
    limit: number,
    department: string,
  ): Promise<HitRow[]> {
    const params = new SqlParams();
    const ts = query.q === null ? null : tsQuerySql(query.q, params);
    const rank = ts === null ? null : rankSql(ts);
    const keys = orderKeys(sort, authoritativeFirst, rank);
    const where = [...basePredicates(query, ts, params), ...Object.values(facetPredicates(query.facets, params))];
    if (cursor !== null) where.push(keysetPredicate(keys, cursorValues(cursor), params));
    const inner = keys.map((k) => `${k.sql} AS ${k.column}`).filter((s) => !s.startsWith('d.id AS'));
    const order = (prefix: string) => keys.map((k) => `${prefix}${k.column} ${k.direction}`).join(', ');
    const dept = params.add(department);
    const headline =
      ts === null
        ? 'NULL AS title_html, NULL AS snippet_html'
        : `ts_headline('simple', ${escapeHtmlSql('d.title')}, ${ts}, ${params.add(HEADLINE_TITLE)}) AS title_html,
           ts_headline('simple', ${escapeHtmlSql('d.description')}, ${ts}, ${params.add(HEADLINE_DESCRIPTION)}) AS snippet_html`;
    const sql = `
      WITH page AS (
        SELECT d.id${inner.length > 0 ? `, ${inner.join(', ')}` : ''}
        FROM catalog_dataset d
        WHERE ${where.join(' AND ')}
        ORDER BY ${keys.map((k) => `${k.sql} ${k.direction}`).join(', ')}
        LIMIT ${params.add(limit)}
      )
      SELECT d.id, d.channel, d.owner, d.name, d.title, d.description, d.domain, d.themes, d.keywords,
        d.sensitivity, d.governance, d.formats, d.version, d.status, d.updated_time,
        ${keys.some((k) => k.column === 'authoritative') ? 'page.authoritative' : AUTHORITATIVE_SQL} AS authoritative,
        ${rank === null ? 'NULL' : keys.some((k) => k.column === 'rank') ? 'page.rank::text' : `(${rank})::text`} AS rank, lower(d.title) AS title_key,
        ${headline},
        (SELECT count(*) FROM catalog_quality_report qr WHERE qr.dataset = d.id AND qr.status = 'open') AS open_reports,
        ${STANDING_SELECT}
      FROM page JOIN catalog_dataset d ON d.id = page.id
      ${standingJoin(dept)}
      ORDER BY ${order('page.')}`;
    return (await this.dataSource.query(sql, params.values)) as HitRow[];
  }

  /**
   * The rows of the given datasets in the given order (a page the in-memory
   * index chose), with snippets for `q`, standing and report counts.
   */
  async rows(ids: readonly string[], q: string | null, department: string): Promise<HitRow[]> {
    if (ids.length === 0) return [];
    const params = new SqlParams();
    const order = params.add(ids);
    const ts = q === null ? null : tsQuerySql(q, params);
    const dept = params.add(department);
    const headline =
      ts === null
        ? 'NULL AS title_html, NULL AS snippet_html'
        : `ts_headline('simple', ${escapeHtmlSql('d.title')}, ${ts}, ${params.add(HEADLINE_TITLE)}) AS title_html,
           ts_headline('simple', ${escapeHtmlSql('d.description')}, ${ts}, ${params.add(HEADLINE_DESCRIPTION)}) AS snippet_html`;
    const sql = `
      SELECT d.id, d.channel, d.owner, d.name, d.title, d.description, d.domain, d.themes, d.keywords,
        d.sensitivity, d.governance, d.formats, d.version, d.status, d.updated_time, 0 AS authoritative, NULL AS rank,
        lower(d.title) AS title_key, ${headline},
        (SELECT count(*) FROM catalog_quality_report qr WHERE qr.dataset = d.id AND qr.status = 'open') AS open_reports,
        ${STANDING_SELECT}
      FROM unnest(${order}::text[]) WITH ORDINALITY AS p(id, n)
      JOIN catalog_dataset d ON d.id = p.id
      ${standingJoin(dept)}
      ORDER BY p.n`;
    return (await this.dataSource.query(sql, params.values)) as HitRow[];
  }

  /** PostgreSQL's parse of `q` (websearch_to_tsquery and the prefix rule), as tsquery text; '' when it has no words. */
  async tsQueryText(q: string): Promise<string> {
    const params = new SqlParams();
    const [row] = (await this.dataSource.query(`SELECT (${tsQuerySql(q, params)})::text AS query`, params.values)) as {
      query: string;
    }[];
    return row?.query ?? '';
  }

  /**
   * Facet counts and the total of the filtered set in one statement. Each
   * facet is counted over the rows that pass every filter but its own, so
   * choosing a value of a facet still shows the other values' counts: the
   * CTE keeps rows failing at most one facet filter, with a flag per facet.
   */
  async facets(query: SearchQuery): Promise<FacetRow[]> {
    const params = new SqlParams();
    const ts = query.q === null ? null : tsQuerySql(query.q, params);
    const base = basePredicates(query, ts, params);
    const predicates = facetPredicates(query.facets, params);
    const active = Object.keys(predicates) as FacetName[];
    const flags = active.map((f) => `(${predicates[f]}) AS m_${f}`);
    // Rows failing two facet filters count nowhere. With one facet filter, every row counts for that facet.
    if (active.length > 1)
      base.push(`(${active.map((f) => `(${predicates[f]})::int`).join(' + ')}) >= ${active.length - 1}`);
    const allBut = (facet: FacetName | null) => {
      const others = active.filter((f) => f !== facet).map((f) => `m_${f}`);
      return others.length === 0 ? 'true' : others.join(' AND ');
    };
    const scalar: [FacetName, string][] = [
      ['department', 'owner'],
      ['domain', 'domain'],
      ['sensitivity', 'sensitivity'],
      ['mode', 'governance'],
      ['channel', 'channel'],
    ];
    const sql = `
      WITH f AS MATERIALIZED (
        SELECT d.owner, d.domain, d.sensitivity, d.governance, d.channel, d.themes, d.formats${flags.map((s) => `, ${s}`).join('')}
        FROM catalog_dataset d
        WHERE ${base.join(' AND ')}
      )
      SELECT facet, value, n FROM (
        SELECT CASE ${scalar.map(([facet, col]) => `WHEN GROUPING(${col}) = 0 THEN '${facet}'`).join(' ')} ELSE 'total' END AS facet,
          COALESCE(${scalar.map(([, col]) => col).join(', ')}) AS value,
          CASE ${scalar.map(([facet, col]) => `WHEN GROUPING(${col}) = 0 THEN count(*) FILTER (WHERE ${allBut(facet)})`).join(' ')}
            ELSE count(*) FILTER (WHERE ${allBut(null)}) END AS n
        FROM f
        GROUP BY GROUPING SETS (${scalar.map(([, col]) => `(${col})`).join(', ')}, ())
        UNION ALL
        SELECT 'theme', t, count(*) FROM f CROSS JOIN unnest(f.themes) AS t WHERE ${allBut('theme')} GROUP BY t
        UNION ALL
        SELECT 'format', x, count(*) FROM f CROSS JOIN unnest(f.formats) AS x WHERE ${allBut('format')} GROUP BY x
      ) s
      WHERE n > 0 OR facet = 'total'`;
    return (await this.dataSource.query(sql, params.values)) as FacetRow[];
  }
}
