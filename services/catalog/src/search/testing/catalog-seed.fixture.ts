import { createHash } from 'node:crypto';
import { insertRows } from '@accord/persistence';
import type { DataSource } from 'typeorm';

/**
 * Rows of the catalog projection written directly with SQL, for the search
 * specs and the benchmark (the projection itself fills them in production).
 */
export interface DatasetSeed {
  readonly channel?: string;
  readonly owner: string;
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly themes?: readonly string[];
  readonly domain?: string;
  readonly sensitivity?: string;
  readonly subjectClass?: string | null;
  readonly governance?: string;
  readonly formats?: readonly string[];
  readonly status?: 'active' | 'deprecated';
  readonly version?: number;
  /** Integer 1e-7 degrees [west, south, east, north]. */
  readonly bbox?: readonly [number, number, number, number] | null;
  readonly temporal?: { readonly start: string | null; readonly end: string | null } | null;
  readonly updatedTime?: number;
}

export const DATASET_COLUMNS = [
  'id', 'channel', 'owner', 'name', 'version', 'status', 'title', 'description', 'keywords', 'keywords_text',
  'themes', 'publisher', 'domain', 'data_type', 'sensitivity', 'subject_key', 'subject_class', 'governance',
  'update_frequency', 'volume_bytes', 'content_hash', 'languages', 'formats', 'bbox_west', 'bbox_south',
  'bbox_east', 'bbox_north', 'temporal_start', 'temporal_end', 'metadata', 'policy', 'terms', 'accesses',
  'registered_height', 'registered_time', 'registered_tx', 'updated_height', 'updated_time', 'deprecated_time',
] as const; // prettier-ignore

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

export function datasetRow(seed: DatasetSeed): unknown[] {
  const id = `${seed.owner}/${seed.name}`;
  const keywords = seed.keywords ?? [];
  const updated = seed.updatedTime ?? 1_700_000_000_000;
  return [
    id,
    seed.channel ?? 'main',
    seed.owner,
    seed.name,
    seed.version ?? 1,
    seed.status ?? 'active',
    seed.title,
    seed.description ?? '',
    keywords,
    keywords.join(' '),
    seed.themes ?? [],
    seed.owner,
    seed.domain ?? 'general',
    'records',
    seed.sensitivity ?? 'internal',
    null,
    seed.subjectClass ?? null,
    seed.governance ?? 'light',
    'monthly',
    1000,
    hex(`content:${id}`),
    ['en'],
    seed.formats ?? [],
    seed.bbox?.[0] ?? null,
    seed.bbox?.[1] ?? null,
    seed.bbox?.[2] ?? null,
    seed.bbox?.[3] ?? null,
    seed.temporal?.start ?? null,
    seed.temporal?.end ?? null,
    JSON.stringify({ keywords, themes: seed.themes ?? [] }),
    JSON.stringify({ permission: { level: 0 } }),
    JSON.stringify({ maxAccesses: null }),
    0,
    1,
    updated - 1000,
    hex(`register:${id}`),
    2,
    updated,
    seed.status === 'deprecated' ? updated : null,
  ];
}

export async function seedDatasets(db: DataSource, seeds: readonly DatasetSeed[]): Promise<void> {
  await insertRows(db.manager, 'catalog_dataset', DATASET_COLUMNS, seeds.map(datasetRow));
}

export async function seedAuthority(db: DataSource, channel: string, domain: string, department: string) {
  await db.query('INSERT INTO catalog_authority (channel, domain, department) VALUES ($1, $2, $3)', [
    channel,
    domain,
    department,
  ]);
}

export interface RequestSeed {
  readonly dataset: string;
  readonly requester: string;
  readonly status: string;
  readonly grantStatus?: string | null;
  readonly code?: string;
  readonly message?: string | null;
  readonly height: number;
  readonly expiresAt?: number | null;
  readonly accessesUsed?: number;
  readonly maxAccesses?: number | null;
}

export async function seedRequest(db: DataSource, r: RequestSeed): Promise<string> {
  const id = hex(`request:${r.dataset}:${r.requester}:${r.height}`);
  await db.query(
    `INSERT INTO catalog_request (id, channel, dataset, requester, provider, purpose, duration_ms, status, code, message,
       requested_height, requested_time, grant_status, granted_time, expires_at, accesses_used, max_accesses,
       updated_height, updated_time)
     VALUES ($1, 'main', $2, $3, $4, 'research', 86400000, $5, $6, $7, $8::bigint, $9::bigint, $10, NULL, $11, $12, $13, $8::bigint, $9::bigint)`,
    [
      id,
      r.dataset,
      r.requester,
      r.dataset.split('/')[0],
      r.status,
      r.code ?? r.status,
      r.message ?? null,
      r.height,
      1_700_000_000_000 + r.height,
      r.grantStatus ?? null,
      r.expiresAt ?? null,
      r.accessesUsed ?? 0,
      r.maxAccesses ?? null,
    ],
  );
  return id;
}

export async function seedReport(db: DataSource, dataset: string, id: string, status: 'open' | 'answered') {
  await db.query(
    `INSERT INTO catalog_quality_report (id, channel, dataset, version, reporter, category, reason, height, time, status)
     VALUES ($1, 'main', $2, 1, 'dept-x', 'accuracy', 'wrong totals', 5, 1700000000000, $3)`,
    [id, dataset, status],
  );
}

export async function seedVersion(db: DataSource, dataset: string, version: number) {
  await db.query(
    `INSERT INTO catalog_dataset_version (dataset, version, tx_id, height, time, content_hash, record, metadata)
     VALUES ($1, $2::integer, $3, $2::bigint, 1700000000000, $4, '{}', '{"keywords":[]}')`,
    [dataset, version, hex(`tx:${dataset}:${version}`), hex(`content:${dataset}:${version}`)],
  );
}
