import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrailPosition, UsagePosition } from './provenance.dto';

/** A dataset as the trail needs it: where its provenance lives. */
export interface TrailDataset {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
}

/** One catalog_provenance row, with the request (= grant) it concerns and that request's requester. */
export interface TrailRow extends TrailPosition {
  readonly channel: string;
  readonly kind: string;
  readonly code: string;
  readonly txId: string | null;
  readonly actor: string | null;
  readonly time: number;
  readonly details: string;
  readonly request: string | null;
  readonly requester: string | null;
}

export interface TrailFilter {
  readonly kinds?: readonly string[];
  readonly requester?: string;
  readonly grant?: string;
  readonly after?: TrailPosition;
  readonly limit: number;
}

/** Uses of one grant of a dataset, summed from its `used` trail entries. */
export interface GrantUsageRow {
  readonly grant: string;
  readonly requester: string;
  readonly purpose: string;
  readonly grantStatus: string;
  readonly grantedTime: number;
  readonly expiresAt: number | null;
  readonly maxAccesses: number | null;
  readonly accesses: number;
  readonly bytes: number;
  readonly firstUse: number | null;
  readonly lastUse: number | null;
}

export interface UsageFilter {
  readonly requester?: string;
  readonly after?: UsagePosition;
  readonly limit: number;
}

// The request (and grant: same id) an entry is about, from its details as the
// projection stores them (the receipt's fields): `request` or `grant`, each an id or a record with `id`.
const ENTRY_REQUEST = `COALESCE(
    CASE jsonb_typeof(d.j->'request') WHEN 'string' THEN d.j->>'request' WHEN 'object' THEN d.j->'request'->>'id' END,
    CASE jsonb_typeof(d.j->'grant') WHEN 'string' THEN d.j->>'grant' WHEN 'object' THEN d.j->'grant'->>'id' END)`;

type Raw = Record<string, unknown>;
const int = (v: unknown): number => Number(v);
const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Reads of catalog_provenance, catalog_request and catalog_dataset for the trail and usage views. */
@Injectable()
export class ProvenanceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async dataset(id: string): Promise<TrailDataset | null> {
    const rows: Raw[] = await this.dataSource.query('SELECT id, channel, owner FROM catalog_dataset WHERE id = $1', [
      id,
    ]);
    const row = rows[0];
    return row === undefined
      ? null
      : { id: String(row['id']), channel: String(row['channel']), owner: String(row['owner']) };
  }

  /** Entries of the dataset's trail in chain order (height, phase, tx_index, seq), after the cursor. */
  async entries(dataset: TrailDataset, filter: TrailFilter): Promise<TrailRow[]> {
    const params: unknown[] = [dataset.channel, dataset.id];
    const where = ['p.channel = $1', 'p.dataset = $2'];
    if (filter.kinds !== undefined) {
      params.push(filter.kinds);
      where.push(`p.kind = ANY($${params.length}::text[])`);
    }
    if (filter.requester !== undefined) {
      // A denial at request time leaves no request row: its details name the requester.
      params.push(filter.requester);
      where.push(`COALESCE(r.requester, d.j->>'requester') = $${params.length}`);
    }
    if (filter.grant !== undefined) {
      params.push(filter.grant);
      where.push(`x.request = $${params.length}`);
    }
    if (filter.after !== undefined) {
      const { height, phase, txIndex, seq } = filter.after;
      params.push(height, phase, txIndex, seq);
      const n = params.length;
      where.push(
        `(p.height, p.phase, p.tx_index, p.seq) > ($${n - 3}::bigint, $${n - 2}::smallint, $${n - 1}::integer, $${n}::integer)`,
      );
    }
    params.push(filter.limit);
    const rows: Raw[] = await this.dataSource.query(
      `SELECT p.channel, p.height, p.phase, p.tx_index, p.seq, p.kind, p.code, p.tx_id, p.actor, p.time, p.details,
              x.request, COALESCE(r.requester, d.j->>'requester') AS requester
         FROM catalog_provenance p
         CROSS JOIN LATERAL (SELECT p.details::jsonb AS j) d
         CROSS JOIN LATERAL (SELECT ${ENTRY_REQUEST} AS request) x
         LEFT JOIN catalog_request r ON r.id = x.request
        WHERE ${where.join(' AND ')}
        ORDER BY p.height, p.phase, p.tx_index, p.seq
        LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      channel: String(row['channel']),
      height: int(row['height']),
      phase: int(row['phase']),
      txIndex: int(row['tx_index']),
      seq: int(row['seq']),
      kind: String(row['kind']),
      code: String(row['code']),
      txId: textOrNull(row['tx_id']),
      actor: textOrNull(row['actor']),
      time: int(row['time']),
      details: String(row['details']),
      request: textOrNull(row['request']),
      requester: textOrNull(row['requester']),
    }));
  }

  /** Every grant of the dataset (ordered by grant time, id) with the sum of its `used` entries. */
  async usage(dataset: TrailDataset, filter: UsageFilter): Promise<GrantUsageRow[]> {
    const params: unknown[] = [dataset.channel, dataset.id];
    const where = ['r.channel = $1', 'r.dataset = $2', 'r.grant_status IS NOT NULL', 'r.granted_time IS NOT NULL'];
    if (filter.requester !== undefined) {
      params.push(filter.requester);
      where.push(`r.requester = $${params.length}`);
    }
    if (filter.after !== undefined) {
      params.push(filter.after.grantedTime, filter.after.id);
      where.push(`(r.granted_time, r.id) > ($${params.length - 1}::bigint, $${params.length})`);
    }
    params.push(filter.limit);
    const rows: Raw[] = await this.dataSource.query(
      `SELECT r.id, r.requester, r.purpose, r.grant_status, r.granted_time, r.expires_at, r.max_accesses,
              u.accesses, u.bytes, u.first_use, u.last_use
         FROM catalog_request r
         CROSS JOIN LATERAL (
           SELECT count(*) AS accesses,
                  COALESCE(sum((p.details::jsonb->>'bytes')::numeric), 0)::text AS bytes,
                  min(p.time) AS first_use, max(p.time) AS last_use
             FROM catalog_provenance p
            WHERE p.channel = r.channel AND p.dataset = r.dataset AND p.kind = 'used'
              AND p.details::jsonb->>'grant' = r.id) u
        WHERE ${where.join(' AND ')}
        ORDER BY r.granted_time, r.id
        LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      grant: String(row['id']),
      requester: String(row['requester']),
      purpose: String(row['purpose']),
      grantStatus: String(row['grant_status']),
      grantedTime: int(row['granted_time']),
      expiresAt: intOrNull(row['expires_at']),
      maxAccesses: intOrNull(row['max_accesses']),
      accesses: int(row['accesses']),
      bytes: int(row['bytes']),
      firstUse: intOrNull(row['first_use']),
      lastUse: intOrNull(row['last_use']),
    }));
  }
}
