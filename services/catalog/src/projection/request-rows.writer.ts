import { Injectable } from '@nestjs/common';
import type { GrantRecord, RequestRecord } from '@accord/rules';
import type { ProjectionTx } from './projection.tx';
import { storedText } from './stored-text';

/** A request as first decided: recorded (pending, granted) or only a receipt (denied or rejected when made). */
export interface NewRequest {
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly requester: string;
  readonly provider: string;
  readonly purpose: string;
  readonly durationMs: number;
  readonly status: string;
  readonly code: string;
  readonly message: string | null;
  readonly height: number;
  readonly time: number;
}

/** Block position of a change. */
export interface Stamp {
  readonly height: number;
  readonly time: number;
}

/** catalog_request: every access request of the channel and where it stands (docs/catalog.md "Standing"). */
@Injectable()
export class RequestRowsWriter {
  created(tx: ProjectionTx, request: NewRequest): void {
    tx.insert(
      'catalog_request',
      [
        'id',
        'channel',
        'dataset',
        'requester',
        'provider',
        'purpose',
        'duration_ms',
        'status',
        'code',
        'message',
        'requested_height',
        'requested_time',
        'updated_height',
        'updated_time',
      ],
      [
        request.id,
        request.channel,
        request.dataset,
        request.requester,
        request.provider,
        request.purpose,
        request.durationMs,
        request.status,
        request.code,
        request.message === null ? null : storedText(request.message),
        request.height,
        request.time,
        request.height,
        request.time,
      ],
    );
  }

  static fromRecord(channel: string, record: RequestRecord, code: string): NewRequest {
    return {
      id: record.id,
      channel,
      dataset: record.dataset,
      requester: record.requester,
      provider: record.provider,
      purpose: record.purpose,
      durationMs: record.durationMs,
      status: record.status,
      code,
      message: null,
      height: record.requestedAt.height,
      time: record.requestedAt.time,
    };
  }

  async granted(tx: ProjectionTx, grant: GrantRecord, code: string, at: Stamp): Promise<void> {
    await tx.query(
      `UPDATE catalog_request SET status = 'granted', code = $2, grant_status = $3, granted_time = $4, expires_at = $5,
         max_accesses = $6, accesses_used = $7, updated_height = $8, updated_time = $9 WHERE id = $1`,
      [
        grant.id,
        code,
        grant.status,
        grant.grantedAt.time,
        grant.expiresAt,
        grant.maxAccesses,
        grant.accessesUsed,
        at.height,
        at.time,
      ],
    );
  }

  /** A request that ended (denied at consent, refused, cancelled, expired). */
  async closed(
    tx: ProjectionTx,
    id: string,
    status: string,
    code: string,
    message: string | null,
    at: Stamp,
  ): Promise<void> {
    await tx.query(
      `UPDATE catalog_request SET status = $2, code = $3, message = $4, updated_height = $5, updated_time = $6 WHERE id = $1`,
      [id, status, code, message === null ? null : storedText(message), at.height, at.time],
    );
  }

  /** A grant that ended (revoked, expired) or was used up. */
  async grantChanged(
    tx: ProjectionTx,
    id: string,
    change: {
      readonly grantStatus?: string;
      readonly accessesUsed?: number;
      readonly code?: string;
      readonly message?: string | null;
    },
    at: Stamp,
  ): Promise<void> {
    await tx.query(
      `UPDATE catalog_request SET grant_status = COALESCE($2, grant_status), accesses_used = COALESCE($3, accesses_used),
         code = COALESCE($4, code), message = CASE WHEN $4::text IS NULL THEN message ELSE $5 END,
         updated_height = $6, updated_time = $7 WHERE id = $1`,
      [
        id,
        change.grantStatus ?? null,
        change.accessesUsed ?? null,
        change.code ?? null,
        change.message === undefined || change.message === null ? null : storedText(change.message),
        at.height,
        at.time,
      ],
    );
  }

  /** The dataset a request or grant is about; undefined when the catalog never saw it. */
  async datasetOf(tx: ProjectionTx, id: string): Promise<string | undefined> {
    const [row] = await tx.query<{ dataset: string }>('SELECT dataset FROM catalog_request WHERE id = $1', [id]);
    return row?.dataset;
  }
}
