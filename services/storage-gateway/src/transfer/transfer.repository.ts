import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type TransferStatus = 'running' | 'completed' | 'failed';

/** A transfer as GET /v1/transfers/:id shows it. */
export interface TransferView {
  readonly transferId: string;
  readonly grant: string;
  readonly channel: string;
  readonly dataset: string;
  readonly provider: string;
  readonly anchorTx: string;
  readonly sizeBytes: number;
  readonly bytesVerified: number;
  /** Share of the object verified so far, in percent (one decimal). */
  readonly progress: number;
  readonly status: TransferStatus;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly objectId: string | null;
  readonly useTx: string | null;
  /** Where the verified copy is read, once completed. */
  readonly contentUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewTransfer {
  readonly transferId: string;
  readonly grant: string;
  readonly channel: string;
  readonly dataset: string;
  readonly provider: string;
  readonly anchorTx: string;
  readonly sizeBytes: number;
  readonly requestedBy: string;
  readonly now: number;
}

interface TransferRow {
  transfer_id: string;
  grant_id: string;
  channel: string;
  dataset: string;
  provider: string;
  anchor_tx_id: string;
  size_bytes: string;
  bytes_verified: string;
  status: TransferStatus;
  error_code: string | null;
  error_message: string | null;
  object_id: string | null;
  use_tx_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The requester's transfers (gateway_transfer). */
@Injectable()
export class TransferRepository {
  constructor(private readonly db: DataSource) {}

  async create(t: NewTransfer): Promise<void> {
    await this.db.query(
      `INSERT INTO gateway_transfer (transfer_id, grant_id, channel, dataset, provider, anchor_tx_id, size_bytes,
         status, requested_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $9)`,
      [t.transferId, t.grant, t.channel, t.dataset, t.provider, t.anchorTx, t.sizeBytes, t.requestedBy, t.now],
    );
  }

  async started(transferId: string, objectId: string, useTxId: string | null, now: number): Promise<void> {
    await this.db.query(
      'UPDATE gateway_transfer SET object_id = $2, use_tx_id = $3, updated_at = $4 WHERE transfer_id = $1',
      [transferId, objectId, useTxId, now],
    );
  }

  async progressed(manager: EntityManager, transferId: string, bytesVerified: number, now: number): Promise<void> {
    await manager.query('UPDATE gateway_transfer SET bytes_verified = $2, updated_at = $3 WHERE transfer_id = $1', [
      transferId,
      bytesVerified,
      now,
    ]);
  }

  async ended(
    transferId: string,
    status: 'completed' | 'failed',
    now: number,
    error: { code: string; message: string } | null = null,
  ): Promise<void> {
    await this.db.query(
      `UPDATE gateway_transfer SET status = $2, error_code = $3, error_message = $4, updated_at = $5
       WHERE transfer_id = $1`,
      [transferId, status, error?.code ?? null, error?.message ?? null, now],
    );
  }

  /** Transfers left running by a process that stopped: they failed (a new transfer starts over). */
  async failInterrupted(now: number): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `UPDATE gateway_transfer SET status = 'failed', error_code = 'transfer_interrupted',
         error_message = 'the gateway stopped during the transfer; start a new one', updated_at = $1
       WHERE status = 'running' RETURNING transfer_id`,
      [now],
    );
    return rows.length;
  }

  async find(transferId: string): Promise<TransferView | undefined> {
    const rows: TransferRow[] = await this.db.query('SELECT * FROM gateway_transfer WHERE transfer_id = $1', [
      transferId,
    ]);
    return rows[0] === undefined ? undefined : toView(rows[0]);
  }

  async list(filter: { grant?: string; status?: TransferStatus; limit: number }): Promise<TransferView[]> {
    const rows: TransferRow[] = await this.db.query(
      `SELECT * FROM gateway_transfer WHERE ($1::text IS NULL OR grant_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, transfer_id LIMIT $3`,
      [filter.grant ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toView);
  }
}

function toView(row: TransferRow): TransferView {
  const size = Number(row.size_bytes);
  const verified = Number(row.bytes_verified);
  return {
    transferId: row.transfer_id,
    grant: row.grant_id,
    channel: row.channel,
    dataset: row.dataset,
    provider: row.provider,
    anchorTx: row.anchor_tx_id,
    sizeBytes: size,
    bytesVerified: verified,
    progress: size === 0 ? (row.status === 'completed' ? 100 : 0) : Math.floor((verified * 1000) / size) / 10,
    status: row.status,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    objectId: row.object_id,
    useTx: row.use_tx_id,
    contentUrl: row.status === 'completed' && row.object_id !== null ? `/v1/objects/${row.object_id}/content` : null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
