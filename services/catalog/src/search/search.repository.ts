import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { escapeHtmlSql, SqlParams, tsQuerySql } from './search-sql.builder';
import type { StandingColumns } from './dataset-standing.mapper';

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

const HEADLINE_TITLE = 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true';
const HEADLINE_DESCRIPTION =
  'StartSel=<mark>, StopSel=</mark>, MinWords=12, MaxWords=30, MaxFragments=2, FragmentDelimiter=" … "';

/** The search statements over the projected tables (PostgreSQL or PGlite). */
@Injectable()
export class SearchRepository {
  constructor(private readonly dataSource: DataSource) {}

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
}
