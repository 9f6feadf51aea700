import { Injectable } from '@nestjs/common';
import { withTransaction } from '@accord/persistence';
import { DataSource } from 'typeorm';

/** Prefix of the tx_id of a record's row written before its tx is published (see `pendingRecordId`). */
const PENDING_PREFIX = 'pending:';

/**
 * The id of a record's pending row: written, with the wrapped data key,
 * before the strong.record tx is published (its txId is only known after
 * signing), so a crash between publishing and keeping the key loses
 * nothing. The IV is random per record, so it names the record until then.
 */
export function pendingRecordId(iv: string): string {
  return `${PENDING_PREFIX}${iv}`;
}

/** The KEK context of a record's data key: bound to the row it is kept in (pending id, then txId). */
export function recordKeyContext(rowId: string): { record: string } {
  return { record: rowId };
}

/** A gateway_record row. `height` is -1 until the record's tx is committed and projected. */
export interface StrongRecordRow {
  readonly txId: string;
  readonly channel: string;
  readonly dataset: string;
  readonly owner: string;
  readonly record: string;
  readonly mediaType: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly height: number;
  readonly wrappedKey: string | null;
  readonly erasedBy: string | null;
}

export type NewRecordRow = Omit<StrongRecordRow, 'height' | 'erasedBy'> & { readonly wrappedKey: string };

/** One key share held for us: the grant it came under and where that grant stands here. */
export interface ShareForUs {
  readonly grantId: string;
  readonly wrappedKey: string | null;
  /** The grant's status as projected here; null when this gateway has no row of it. */
  readonly grantStatus: string | null;
  readonly expiresAt: number | null;
  readonly blockTime: number;
}

/** An own record whose key was lost between publish and keep, and the pending row that still holds it. */
export interface OrphanedRecordKey {
  readonly txId: string;
  readonly pendingId: string;
  readonly wrappedKey: string;
}

interface RecordDbRow {
  tx_id: string;
  channel: string;
  dataset: string;
  owner: string;
  record: string;
  media_type: string;
  iv: string;
  ciphertext: string;
  height: string;
  wrapped_key: string | null;
  erased_by: string | null;
}

/**
 * gateway_record and gateway_key_share as strong mode reads and writes
 * them (docs/storage-gateway-strong-mode.md). The projection fills in the
 * committed records of every department and the key shares on the chain;
 * this gateway keeps, for its own records, the data key wrapped by the KEK.
 */
@Injectable()
export class StrongRecordRepository {
  constructor(private readonly db: DataSource) {}

  /** Keeps a record's data key before its tx is published (row id: pendingRecordId). */
  async insertPending(row: NewRecordRow): Promise<void> {
    await this.db.query(
      `INSERT INTO gateway_record (tx_id, channel, dataset, owner, record, media_type, iv, ciphertext, height, tx_index,
         wrapped_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, -1, -1, $9)`,
      [
        row.txId,
        row.channel,
        row.dataset,
        row.owner,
        row.record,
        row.mediaType,
        row.iv,
        row.ciphertext,
        row.wrappedKey,
      ],
    );
  }

  async dropPending(pendingId: string): Promise<void> {
    await this.db.query('DELETE FROM gateway_record WHERE tx_id = $1', [pendingId]);
  }

  /**
   * Moves the key from the pending row to the record's own row, in one
   * transaction. The projection may have inserted that row first (then only
   * its key is set), or not yet (then it waits at height -1).
   */
  async settle(row: NewRecordRow, pendingId: string): Promise<void> {
    await withTransaction(this.db, async (manager) => {
      await manager.query(
        `INSERT INTO gateway_record (tx_id, channel, dataset, owner, record, media_type, iv, ciphertext, height, tx_index,
           wrapped_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, -1, -1, $9)
         ON CONFLICT (tx_id) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key`,
        [
          row.txId,
          row.channel,
          row.dataset,
          row.owner,
          row.record,
          row.mediaType,
          row.iv,
          row.ciphertext,
          row.wrappedKey,
        ],
      );
      await manager.query('DELETE FROM gateway_record WHERE tx_id = $1', [pendingId]);
    });
  }

  /**
   * Own committed records without a key and not erased, whose pending row
   * (same channel, dataset, IV and ciphertext) still holds it: what a crash
   * between publishing and settling leaves behind.
   */
  async orphanedKeys(owner: string): Promise<OrphanedRecordKey[]> {
    const rows: { tx_id: string; pending_id: string; wrapped_key: string }[] = await this.db.query(
      `SELECT r.tx_id, p.tx_id AS pending_id, p.wrapped_key FROM gateway_record r
       JOIN gateway_record p ON p.tx_id = $2 || r.iv AND p.channel = r.channel AND p.dataset = r.dataset
         AND p.ciphertext = r.ciphertext AND p.wrapped_key IS NOT NULL
       WHERE r.owner = $1 AND r.height >= 0 AND r.wrapped_key IS NULL AND r.erased_by IS NULL`,
      [owner, PENDING_PREFIX],
    );
    return rows.map((r) => ({ txId: r.tx_id, pendingId: r.pending_id, wrappedKey: r.wrapped_key }));
  }

  /** Sets a committed record's key (recovered from its pending row) and drops the pending row. */
  async adoptKey(txId: string, pendingId: string, wrappedKey: string): Promise<void> {
    await withTransaction(this.db, async (manager) => {
      await manager.query(
        'UPDATE gateway_record SET wrapped_key = $2 WHERE tx_id = $1 AND wrapped_key IS NULL AND erased_by IS NULL',
        [txId, wrappedKey],
      );
      await manager.query('DELETE FROM gateway_record WHERE tx_id = $1', [pendingId]);
    });
  }

  /** A record by its tx (never a pending row); undefined when unknown. */
  async find(txId: string): Promise<StrongRecordRow | undefined> {
    if (txId.startsWith(PENDING_PREFIX)) return undefined;
    const rows: RecordDbRow[] = await this.db.query('SELECT * FROM gateway_record WHERE tx_id = $1', [txId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /**
   * The committed records of a channel (optionally one dataset) this
   * department may read: its own, and others' whose key was shared with it
   * and not erased. In chain order.
   */
  async readable(department: string, channel: string, dataset: string | null): Promise<StrongRecordRow[]> {
    const rows: RecordDbRow[] = await this.db.query(
      `SELECT r.* FROM gateway_record r
       WHERE r.channel = $1 AND ($2::text IS NULL OR r.dataset = $2) AND r.height >= 0
         AND (r.owner = $3 OR EXISTS (SELECT 1 FROM gateway_key_share s
              WHERE s.record_tx_id = r.tx_id AND s.recipient = $3 AND s.wrapped_key IS NOT NULL))
       ORDER BY r.height, r.tx_index`,
      [channel, dataset, department],
    );
    return rows.map(toRecord);
  }

  /** The key shares of a record addressed to `recipient`, with their grants as projected here. */
  async sharesFor(recordTxId: string, recipient: string): Promise<ShareForUs[]> {
    const rows: {
      grant_id: string;
      wrapped_key: string | null;
      status: string | null;
      expires_at: string | null;
      block_time: string | null;
    }[] = await this.db.query(
      `SELECT s.grant_id, s.wrapped_key, g.status, g.expires_at, c.block_time FROM gateway_key_share s
       LEFT JOIN gateway_grant g ON g.grant_id = s.grant_id AND g.requester = s.recipient
       LEFT JOIN gateway_channel c ON c.channel = s.channel
       WHERE s.record_tx_id = $1 AND s.recipient = $2 ORDER BY s.grant_id`,
      [recordTxId, recipient],
    );
    return rows.map((r) => ({
      grantId: r.grant_id,
      wrappedKey: r.wrapped_key,
      grantStatus: r.status,
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      blockTime: r.block_time === null ? 0 : Number(r.block_time),
    }));
  }
}

function toRecord(row: RecordDbRow): StrongRecordRow {
  return {
    txId: row.tx_id,
    channel: row.channel,
    dataset: row.dataset,
    owner: row.owner,
    record: row.record,
    mediaType: row.media_type,
    iv: row.iv,
    ciphertext: row.ciphertext,
    height: Number(row.height),
    wrappedKey: row.wrapped_key,
    erasedBy: row.erased_by,
  };
}
