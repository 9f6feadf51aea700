import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An access request as the projection recorded it (catalog_request), with its grant if it has one. */
export interface RequestRecord {
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly requester: string;
  readonly provider: string;
  readonly purpose: string;
  readonly durationMs: number;
  /** The rules' request status (pending, granted, denied, refused, cancelled, expired) or rejected. */
  readonly status: string;
  /** The receipt code that set the status (auto, consent_required, privacy_guard, ...). */
  readonly code: string;
  readonly message: string | null;
  readonly requestedAt: { readonly height: number; readonly time: number };
  readonly updatedAt: { readonly height: number; readonly time: number };
  readonly grant: GrantRecordView | null;
}

export interface GrantRecordView {
  /** active, expired, revoked or exhausted, as of the last block the projection applied. */
  readonly status: string;
  readonly grantedAt: number | null;
  readonly expiresAt: number | null;
  readonly accessesUsed: number;
  /** null: no access limit. */
  readonly maxAccesses: number | null;
}

interface RequestRow {
  id: string;
  channel: string;
  dataset: string;
  requester: string;
  provider: string;
  purpose: string;
  duration_ms: string;
  status: string;
  code: string;
  message: string | null;
  requested_height: string;
  requested_time: string;
  grant_status: string | null;
  granted_time: string | null;
  expires_at: string | null;
  accesses_used: number;
  max_accesses: number | null;
  updated_height: string;
  updated_time: string;
}

const COLUMNS = `id, channel, dataset, requester, provider, purpose, duration_ms, status, code, message,
  requested_height, requested_time, grant_status, granted_time, expires_at, accesses_used, max_accesses,
  updated_height, updated_time`;

const num = (value: string | number): number => Number(value);
const numOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

function toRecord(row: RequestRow): RequestRecord {
  return {
    id: row.id,
    channel: row.channel,
    dataset: row.dataset,
    requester: row.requester,
    provider: row.provider,
    purpose: row.purpose,
    durationMs: num(row.duration_ms),
    status: row.status,
    code: row.code,
    message: row.message,
    requestedAt: { height: num(row.requested_height), time: num(row.requested_time) },
    updatedAt: { height: num(row.updated_height), time: num(row.updated_time) },
    grant:
      row.grant_status === null
        ? null
        : {
            status: row.grant_status,
            grantedAt: numOrNull(row.granted_time),
            expiresAt: numOrNull(row.expires_at),
            accessesUsed: num(row.accesses_used),
            maxAccesses: numOrNull(row.max_accesses),
          },
  };
}

/** Reads of catalog_request (filled by the projection from the contracts' decisions); it never writes. */
@Injectable()
export class RequestStandingRepository {
  constructor(private readonly db: DataSource) {}

  async byIds(ids: readonly string[]): Promise<Map<string, RequestRecord>> {
    const rows: RequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalog_request WHERE id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  /** A request of `requester` for the dataset and purpose that is pending, or granted with a grant live at `now`. */
  async openFor(requester: string, dataset: string, purpose: string, now: number): Promise<RequestRecord | undefined> {
    const rows: RequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalog_request
        WHERE requester = $1 AND dataset = $2 AND purpose = $3
          AND (status = 'pending' OR (grant_status = 'active' AND (expires_at IS NULL OR expires_at > $4)))
        ORDER BY requested_height DESC, id DESC LIMIT 1`,
      [requester, dataset, purpose, now],
    );
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** `requester`'s requests, newest first (by requested height, then id), after the cursor. */
  async list(
    requester: string,
    filter: {
      readonly status?: string;
      readonly dataset?: string;
      readonly after?: { readonly height: number; readonly id: string };
      readonly limit: number;
    },
  ): Promise<RequestRecord[]> {
    const params: unknown[] = [requester];
    const where = ['requester = $1'];
    if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`);
    if (filter.dataset !== undefined) where.push(`dataset = $${params.push(filter.dataset)}`);
    if (filter.after !== undefined) {
      const h = params.push(filter.after.height);
      const id = params.push(filter.after.id);
      where.push(`(requested_height, id) < ($${h}, $${id})`);
    }
    const rows: RequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalog_request WHERE ${where.join(' AND ')}
        ORDER BY requested_height DESC, id DESC LIMIT $${params.push(filter.limit)}`,
      params,
    );
    return rows.map(toRecord);
  }
}
