import { Injectable } from '@nestjs/common';
import { InjectClock, InjectServiceContext, type Clock, type ServiceContext } from '@accord/service-kit';
import { DatasetEntryRepository, type EntryRow } from './dataset-entry.repository';
import { toStanding, type Standing } from './dataset-standing.mapper';
import { escapeHtml } from './search-sql.builder';
import { decodeCursor, effectiveSort, encodeCursor, type CursorKeys } from './search.cursor';
import { CatalogRowCorruptError, DatasetNotFoundError } from '../catalog.errors';
import { SearchRepository, type HitRow } from './search.repository';
import { DirectoryIndexLoader } from './index/directory-index.loader';
import type { AfterKeys, IndexHit } from './index/directory.index';
import { parseTsquery } from './index/text-search.parser';
import { FACET_NAMES, parseSearchQuery, type FacetName, type SearchQuery } from './search-query.dto';

export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

export interface SearchHit {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly name: string;
  readonly title: string;
  /** The title HTML-escaped, query terms in <mark>…</mark> (the escaped title when there is no q). */
  readonly titleHtml: string;
  /** Fragments of the description around the matches, HTML-escaped with <mark>…</mark>; its start without q. */
  readonly snippetHtml: string;
  readonly domain: string;
  readonly themes: readonly string[];
  readonly keywords: readonly string[];
  readonly sensitivity: string;
  readonly governance: string;
  readonly formats: readonly string[];
  readonly version: number;
  readonly status: string;
  /** Block time of the last registration or update (ms). */
  readonly updatedTime: number;
  /** The owner is the authoritative source of the dataset's domain on its channel. */
  readonly authoritative: boolean;
  /** Text-match score with field weights (docs/catalog-search.md "Full text"); null without q. */
  readonly score: number | null;
  readonly openQualityReports: number;
  readonly standing: Standing;
}

export interface SearchResult {
  /** Hits of the whole filtered set (all pages). */
  readonly total: number;
  readonly sort: 'relevance' | 'newest' | 'title';
  readonly hits: readonly SearchHit[];
  /** Value counts per facet, each over the rows passing every filter but its own; most frequent first. */
  readonly facets: Readonly<Record<FacetName, readonly FacetCount[]>>;
  /** Cursor of the next page (also in the Link header), null on the last page. */
  readonly next: string | null;
}

/** Most values listed per facet. */
export const MAX_FACET_VALUES = 100;
/** Characters of the description shown without q. */
const PLAIN_SNIPPET_LENGTH = 240;

/** GET /v1/datasets and GET /v1/datasets/:owner/:name over the projected tables. */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly entries: DatasetEntryRepository,
    private readonly indexes: DirectoryIndexLoader,
    @InjectServiceContext() private readonly context: Pick<ServiceContext, 'department'>,
    /** Wall clock: a grant past its end shows as expired before the projection's next block says so. */
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Parses the raw query string (unknown parameter, bad value, foreign cursor: 400) and answers one page. */
  async find(raw: Readonly<Record<string, unknown>>): Promise<SearchResult> {
    return this.findParsed(parseSearchQuery(raw));
  }

  async findParsed(query: SearchQuery): Promise<SearchResult> {
    const sort = effectiveSort(query);
    const authoritativeFirst = query.sort === 'relevance';
    const cursor = query.cursor === null ? null : decodeCursor(query, query.cursor, authoritativeFirst);
    const text = query.q === null ? null : (parseTsquery(await this.search.tsQueryText(query.q)) ?? 'nothing');
    const index = await this.indexes.current();
    const result = index.search(
      query,
      text,
      sort,
      authoritativeFirst,
      cursor === null ? null : afterKeys(cursor),
      query.limit,
    );
    const department = this.context.department;
    const rows = new Map(
      (
        await this.search.rows(
          result.hits.map((h) => h.dataset.id),
          query.q,
          department,
        )
      ).map((r) => [r.id, r]),
    );
    const now = this.clock.now();
    const hits = result.hits.flatMap((h): SearchHit[] => {
      const row = rows.get(h.dataset.id);
      if (row === undefined) return [];
      const rank = h.score === null ? null : String(h.score);
      return [toHit({ ...row, authoritative: h.authoritative ? 1 : 0, rank }, department, now)];
    });
    const last = result.hits[result.hits.length - 1];
    return {
      total: result.total,
      sort,
      hits,
      facets: facetCounts(result.facets),
      next:
        result.more && last !== undefined ? encodeCursor(query, indexCursorKeys(sort, authoritativeFirst, last)) : null,
    };
  }

  /** The full entry of a dataset: metadata, policy, terms, versions, open reports, standing. */
  async entry(owner: string, name: string) {
    const id = `${owner}/${name}`;
    const row = await this.entries.entry(id, this.context.department);
    if (row === undefined) throw new DatasetNotFoundError(id);
    const [versions, reports] = await Promise.all([this.entries.versions(id), this.entries.openReports(id)]);
    return {
      ...entryFields(row),
      authoritative: row['authoritative'] === 1,
      standing: toStanding(row.owner, this.context.department, row as never, this.clock.now()),
      versions: versions.map((v) => ({
        version: v.version,
        txId: v.tx_id,
        height: Number(v.height),
        time: Number(v.time),
        contentHash: v.content_hash,
        metadata: parseJson(id, 'catalog_dataset_version.metadata', v.metadata),
      })),
      openQualityReports: reports.map((r) => ({
        id: r.id,
        version: r.version,
        reporter: r.reporter,
        category: r.category,
        reason: r.reason,
        height: Number(r.height),
        time: Number(r.time),
      })),
    };
  }
}

function toHit(row: HitRow, department: string, now: number): SearchHit {
  return {
    id: row.id,
    channel: row.channel,
    owner: row.owner,
    name: row.name,
    title: row.title,
    titleHtml: row.title_html ?? escapeHtml(row.title),
    snippetHtml: row.snippet_html ?? escapeHtml(plainSnippet(row.description)),
    domain: row.domain,
    themes: row.themes,
    keywords: row.keywords,
    sensitivity: row.sensitivity,
    governance: row.governance,
    formats: row.formats,
    version: row.version,
    status: row.status,
    updatedTime: Number(row.updated_time),
    authoritative: Number(row.authoritative) === 1,
    score: row.rank === null ? null : Number(row.rank),
    openQualityReports: Number(row.open_reports),
    standing: toStanding(row.owner, department, row, now),
  };
}

function plainSnippet(description: string): string {
  if (description.length <= PLAIN_SNIPPET_LENGTH) return description;
  const cut = description.lastIndexOf(' ', PLAIN_SNIPPET_LENGTH);
  return `${description.slice(0, cut > PLAIN_SNIPPET_LENGTH / 2 ? cut : PLAIN_SNIPPET_LENGTH)} …`;
}

/** The cursor's keys as the index compares them. */
function afterKeys(cursor: CursorKeys): AfterKeys {
  switch (cursor.sort) {
    case 'relevance':
      return { sort: 'relevance', authoritative: cursor.authoritative, score: Number(cursor.rank), id: cursor.id };
    case 'newest':
      return { sort: 'newest', authoritative: cursor.authoritative, updated: Number(cursor.updated), id: cursor.id };
    case 'title':
      return cursor;
  }
}

function indexCursorKeys(
  sort: 'relevance' | 'newest' | 'title',
  authoritativeFirst: boolean,
  hit: IndexHit,
): CursorKeys {
  const authoritative = hit.authoritative ? 1 : 0;
  switch (sort) {
    case 'relevance':
      return { sort, authoritative, rank: String(hit.score ?? 0), id: hit.dataset.id };
    case 'newest':
      return {
        sort,
        authoritative: authoritativeFirst ? authoritative : null,
        updated: String(hit.dataset.updatedTime),
        id: hit.dataset.id,
      };
    case 'title':
      return { sort, title: hit.dataset.titleKey, id: hit.dataset.id };
  }
}

/** Each facet's value counts, most frequent first (ties by value), at most MAX_FACET_VALUES. */
function facetCounts(maps: Readonly<Record<FacetName, ReadonlyMap<string, number>>>): Record<FacetName, FacetCount[]> {
  return Object.fromEntries(
    FACET_NAMES.map((facet) => [
      facet,
      [...maps[facet]]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, MAX_FACET_VALUES),
    ]),
  ) as Record<FacetName, FacetCount[]>;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function entryFields(row: EntryRow) {
  const id = row.id;
  return {
    id,
    channel: row['channel'] as string,
    owner: row.owner,
    name: row['name'] as string,
    version: row['version'] as number,
    status: row['status'] as string,
    title: row['title'] as string,
    description: row['description'] as string,
    keywords: row['keywords'] as string[],
    themes: row['themes'] as string[],
    publisher: row['publisher'] as string,
    domain: row['domain'] as string,
    dataType: row['data_type'] as string,
    sensitivity: row['sensitivity'] as string,
    subjectKey: row['subject_key'] as string | null,
    subjectClass: row['subject_class'] as string | null,
    governance: row['governance'] as string,
    updateFrequency: row['update_frequency'] as string,
    volumeBytes: Number(row['volume_bytes']),
    contentHash: row['content_hash'] as string,
    languages: row['languages'] as string[],
    formats: row['formats'] as string[],
    metadata: parseJson(id, 'catalog_dataset.metadata', row.metadata),
    policy: parseJson(id, 'catalog_dataset.policy', row.policy),
    terms: parseJson(id, 'catalog_dataset.terms', row.terms),
    accesses: Number(row['accesses']),
    registered: {
      height: Number(row['registered_height']),
      time: Number(row['registered_time']),
      txId: row['registered_tx'] as string,
    },
    updated: { height: Number(row['updated_height']), time: Number(row['updated_time']) },
    deprecatedTime: num(row['deprecated_time']),
  };
}

function parseJson(id: string, column: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CatalogRowCorruptError(`${column} of dataset ${id} is not JSON`, { dataset: id, column });
  }
}
