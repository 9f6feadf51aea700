import type { DataSource } from 'typeorm';

/**
 * Seeds the catalog's tables with SQL, as the projection would fill them,
 * for the provenance and export specs (the projection is not theirs to run).
 * Every helper fills the columns it is not given with plausible defaults.
 */
export class CatalogRows {
  constructor(private readonly db: DataSource) {}

  async channel(channel: string, row: { blockHeight?: number; blockTime?: number } = {}): Promise<void> {
    await this.db.query('INSERT INTO catalog_channel (channel, block_height, block_time) VALUES ($1, $2, $3)', [
      channel,
      row.blockHeight ?? 0,
      row.blockTime ?? 0,
    ]);
  }

  async authority(channel: string, domain: string, department: string): Promise<void> {
    await this.db.query('INSERT INTO catalog_authority (channel, domain, department) VALUES ($1, $2, $3)', [
      channel,
      domain,
      department,
    ]);
  }

  async dataset(row: DatasetSeed): Promise<void> {
    const [owner, name] = row.id.split('/') as [string, string];
    const metadata = row.metadata ?? {};
    const columns: Record<string, unknown> = {
      id: row.id,
      channel: row.channel,
      owner,
      name,
      version: row.version ?? 1,
      status: row.status ?? 'active',
      title: row.title ?? `Dataset ${row.id}`,
      description: row.description ?? '',
      keywords: (metadata['keywords'] as string[] | undefined) ?? [],
      publisher: row.publisher ?? owner,
      domain: row.domain ?? 'traffic',
      data_type: row.dataType ?? 'records',
      sensitivity: row.sensitivity ?? 'internal',
      subject_key: row.subjectKey ?? null,
      subject_class: row.subjectClass ?? null,
      governance: row.governance ?? 'light',
      update_frequency: row.updateFrequency ?? 'daily',
      volume_bytes: row.volumeBytes ?? 1000,
      content_hash: row.contentHash ?? 'ab'.repeat(32),
      metadata: row.metadataText ?? JSON.stringify(metadata),
      policy:
        row.policyText ??
        JSON.stringify(
          row.policy ?? {
            '@context': 'http://www.w3.org/ns/odrl.jsonld',
            '@type': 'Offer',
            permission: [{ action: 'use' }],
          },
        ),
      terms: '{}',
      registered_height: row.registeredHeight ?? 0,
      registered_time: row.registeredTime ?? 1_700_000_000_000,
      registered_tx: row.registeredTx ?? 'cd'.repeat(32),
      updated_height: row.updatedHeight ?? row.registeredHeight ?? 0,
      updated_time: row.updatedTime ?? row.registeredTime ?? 1_700_000_000_000,
    };
    const names = Object.keys(columns);
    await this.db.query(
      `INSERT INTO catalog_dataset (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(columns),
    );
  }

  async request(row: RequestSeed): Promise<void> {
    const [provider] = row.dataset.split('/') as [string];
    await this.db.query(
      `INSERT INTO catalog_request (id, channel, dataset, requester, provider, purpose, duration_ms, status, code,
         requested_height, requested_time, grant_status, granted_time, expires_at, accesses_used, max_accesses,
         updated_height, updated_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $10, $11)`,
      [
        row.id,
        row.channel,
        row.dataset,
        row.requester,
        provider,
        row.purpose ?? 'statistics',
        row.durationMs ?? 86_400_000,
        row.status ?? 'granted',
        row.code ?? 'auto',
        row.height ?? 1,
        row.time ?? 1_700_000_001_000,
        row.grantStatus === undefined ? 'active' : row.grantStatus,
        row.grantedTime === undefined ? (row.time ?? 1_700_000_001_000) : row.grantedTime,
        row.expiresAt ?? null,
        row.accessesUsed ?? 0,
        row.maxAccesses ?? null,
      ],
    );
  }

  async provenance(row: ProvenanceSeed): Promise<void> {
    await this.db.query(
      `INSERT INTO catalog_provenance (channel, height, phase, tx_index, seq, dataset, kind, code, tx_id, actor, time, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.channel,
        row.height,
        row.phase ?? 1,
        row.txIndex ?? 0,
        row.seq ?? 0,
        row.dataset,
        row.kind,
        row.code ?? 'ok',
        row.txId ?? null,
        row.actor ?? null,
        row.time ?? 1_700_000_000_000 + row.height * 1000,
        JSON.stringify(row.details ?? {}),
      ],
    );
  }
}

export interface DatasetSeed {
  readonly id: string;
  readonly channel: string;
  readonly version?: number;
  readonly status?: 'active' | 'deprecated';
  readonly title?: string;
  readonly description?: string;
  readonly publisher?: string;
  readonly domain?: string;
  readonly dataType?: string;
  readonly sensitivity?: string;
  readonly subjectKey?: string | null;
  readonly subjectClass?: string | null;
  readonly governance?: string;
  readonly updateFrequency?: string;
  readonly volumeBytes?: number;
  readonly contentHash?: string;
  readonly metadata?: Record<string, unknown>;
  /** Raw text instead of `metadata` (corrupt rows). */
  readonly metadataText?: string;
  readonly policy?: Record<string, unknown>;
  readonly policyText?: string;
  readonly registeredHeight?: number;
  readonly registeredTime?: number;
  readonly registeredTx?: string;
  readonly updatedHeight?: number;
  readonly updatedTime?: number;
}

export interface RequestSeed {
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly requester: string;
  readonly purpose?: string;
  readonly durationMs?: number;
  readonly status?: string;
  readonly code?: string;
  readonly height?: number;
  readonly time?: number;
  readonly grantStatus?: string | null;
  readonly grantedTime?: number | null;
  readonly expiresAt?: number;
  readonly accessesUsed?: number;
  readonly maxAccesses?: number;
}

export interface ProvenanceSeed {
  readonly channel: string;
  readonly height: number;
  readonly phase?: number;
  readonly txIndex?: number;
  readonly seq?: number;
  readonly dataset: string;
  readonly kind: string;
  readonly code?: string;
  readonly txId?: string | null;
  readonly actor?: string | null;
  readonly time?: number;
  readonly details?: Record<string, unknown>;
}
