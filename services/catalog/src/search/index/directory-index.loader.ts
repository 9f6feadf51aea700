import { Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOSE_ORDER, ServiceLogger, ShutdownRegistry } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { DirectoryIndex, type IndexedDataset } from './directory.index';
import { parseTsvector } from './text-search.parser';

/** Rows read per statement when (re)loading. */
const LOAD_PAGE = 10_000;
/**
 * Revisions re-read below the highest one seen: a write that took its
 * revision before another but committed after it is still picked up (the
 * projection writes one batch at a time per channel, so this is ample).
 */
const REVISION_WINDOW = 256;

interface IndexRow {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly domain: string;
  readonly sensitivity: string;
  readonly governance: string;
  readonly status: string;
  readonly subject_class: string | null;
  readonly themes: string[];
  readonly formats: string[];
  readonly updated_time: string;
  readonly title_key: string;
  readonly bbox_west: number | null;
  readonly bbox_south: number | null;
  readonly bbox_east: number | null;
  readonly bbox_north: number | null;
  readonly temporal_start: string | null;
  readonly temporal_end: string | null;
  readonly lexemes: string;
  readonly revision: string;
}

function toIndexed(row: IndexRow): IndexedDataset {
  return {
    id: row.id,
    channel: row.channel,
    owner: row.owner,
    domain: row.domain,
    sensitivity: row.sensitivity,
    governance: row.governance,
    status: row.status,
    subjectClass: row.subject_class,
    themes: row.themes,
    formats: row.formats,
    updatedTime: Number(row.updated_time),
    titleKey: row.title_key,
    bbox:
      row.bbox_west === null || row.bbox_south === null || row.bbox_east === null || row.bbox_north === null
        ? null
        : { west: row.bbox_west, south: row.bbox_south, east: row.bbox_east, north: row.bbox_north },
    temporalStart: row.temporal_start,
    temporalEnd: row.temporal_end,
    lexemes: parseTsvector(row.lexemes),
  };
}

/**
 * Keeps the in-memory DirectoryIndex current with catalog_dataset and
 * catalog_authority: before each search one small statement reads the
 * highest revision and the authorities' signature; rows changed since the
 * last look are loaded and re-indexed. The whole directory is loaded in
 * the background once the service has started (8 s per 100,000 datasets on
 * PostgreSQL on the development machine); a search before that waits for
 * it. Concurrent searches share one refresh.
 */
@Injectable()
export class DirectoryIndexLoader implements OnApplicationBootstrap {
  private index = new DirectoryIndex();
  /** The revision each indexed dataset was read at (rows re-read unchanged are skipped). */
  private readonly revisions = new Map<string, string>();
  private revision = 0;
  private authorities: string | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly shutdown?: ShutdownRegistry,
    @Optional() private readonly log?: ServiceLogger,
  ) {}

  /** Starts loading the directory, and makes shutdown wait for that load before the database closes. */
  onApplicationBootstrap(): void {
    const warming = this.current().then(
      () => undefined,
      (error: unknown) => this.log?.warn('search index not loaded at start; the next search retries', { error }),
    );
    this.shutdown?.register('search index load', CLOSE_ORDER.database - 1, () => warming);
  }

  /** The index, current as of this call. */
  async current(): Promise<DirectoryIndex> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
    return this.index;
  }

  private async refresh(): Promise<void> {
    const [state] = (await this.dataSource.query(
      `SELECT (SELECT coalesce(max(revision), 0) FROM catalog_dataset)::text AS revision,
         (SELECT coalesce(string_agg(channel || '/' || domain || '=' || department, ',' ORDER BY channel, domain), '')
            FROM catalog_authority) AS authorities`,
    )) as { revision: string; authorities: string }[];
    const revision = Number(state?.revision ?? 0);
    if (this.index.retiredCount > Math.max(10_000, this.index.size)) {
      // Mostly superseded ordinals: start over rather than carry them.
      this.index = new DirectoryIndex();
      this.revisions.clear();
      this.revision = 0;
      this.authorities = null;
    }
    if (revision > this.revision) await this.load(this.revision === 0 ? 0 : this.revision - REVISION_WINDOW);
    this.revision = Math.max(this.revision, revision);
    if (state?.authorities !== this.authorities) {
      const rows = (await this.dataSource.query('SELECT channel, domain, department FROM catalog_authority')) as {
        channel: string;
        domain: string;
        department: string;
      }[];
      this.index.setAuthorities(rows);
      this.authorities = state?.authorities ?? '';
    }
  }

  private async load(after: number): Promise<void> {
    let from = after;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id, channel, owner, domain, sensitivity, governance, status, subject_class, themes, formats,
           updated_time::text AS updated_time, lower(title) AS title_key, bbox_west, bbox_south, bbox_east, bbox_north,
           temporal_start::text AS temporal_start, temporal_end::text AS temporal_end, search::text AS lexemes,
           revision::text AS revision
         FROM catalog_dataset WHERE revision > $1 ORDER BY revision LIMIT ${LOAD_PAGE}`,
        [from],
      )) as IndexRow[];
      for (const row of rows) {
        if (this.revisions.get(row.id) === row.revision) continue;
        this.revisions.set(row.id, row.revision);
        this.index.upsert(toIndexed(row));
      }
      if (rows.length < LOAD_PAGE) return;
      from = Number(rows[rows.length - 1]?.revision);
    }
  }
}
