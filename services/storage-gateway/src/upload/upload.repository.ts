import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UploadBusyError, UploadNotFoundError } from '../storage-gateway.errors';

/** An upload in progress, as gateway_upload holds it. */
export interface UploadRow {
  readonly uploadId: string;
  readonly objectId: string;
  readonly length: number;
  readonly offset: number;
  /** The Upload-Metadata header as the client sent it (HEAD answers it back). */
  readonly metadata: string;
  /** The sealed plaintext of the incomplete last segment (vault.sealTail), null when offset is on a segment boundary. */
  readonly tail: Buffer | null;
  readonly expiresAt: number;
  readonly createdBy: string;
}

export interface NewUpload {
  readonly uploadId: string;
  readonly objectId: string;
  readonly length: number;
  readonly metadata: string;
  readonly expiresAt: number;
  readonly createdBy: string;
}

/** Progress of a PATCH: where the upload is and the sealed tail that goes with it. */
export interface UploadProgress {
  readonly offset: number;
  readonly tail: Buffer | null;
}

interface Row {
  upload_id: string;
  object_id: string;
  upload_length: string;
  upload_offset: string;
  metadata: string;
  tail: Buffer | Uint8Array | null;
  expires_at: string;
  created_by: string;
}

/**
 * gateway_upload: the tus uploads in progress, with the PATCH lease that
 * lets one request at a time write an upload, on any replica. The lease is
 * a token and a deadline: a request takes it when it is free or stale,
 * renews it with every progress it commits, and a commit under a lease
 * taken over by another request fails (upload_busy) instead of racing it.
 */
@Injectable()
export class UploadRepository {
  constructor(private readonly db: DataSource) {}

  async insert(manager: EntityManager, upload: NewUpload): Promise<void> {
    await manager.query(
      `INSERT INTO gateway_upload (upload_id, object_id, upload_length, upload_offset, metadata, expires_at, created_by)
       VALUES ($1, $2, $3, 0, $4, $5, $6)`,
      [upload.uploadId, upload.objectId, upload.length, upload.metadata, upload.expiresAt, upload.createdBy],
    );
  }

  async find(uploadId: string, manager: EntityManager = this.db.manager): Promise<UploadRow | undefined> {
    const rows: Row[] = await manager.query(
      `SELECT upload_id, object_id, upload_length, upload_offset, metadata, tail, expires_at, created_by
       FROM gateway_upload WHERE upload_id = $1`,
      [uploadId],
    );
    return rows[0] === undefined ? undefined : toUpload(rows[0]);
  }

  async get(uploadId: string): Promise<UploadRow> {
    const upload = await this.find(uploadId);
    if (upload === undefined) throw new UploadNotFoundError(uploadId);
    return upload;
  }

  /** Takes the upload's lease for `owner` until `until`, unless another request holds a live one (upload_busy). */
  async takeLease(uploadId: string, owner: string, now: number, until: number): Promise<void> {
    const rows: unknown[] = await this.db.query(
      `UPDATE gateway_upload SET lease_owner = $2, lease_until = $3
       WHERE upload_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4) RETURNING upload_id`,
      [uploadId, owner, until, now],
    );
    if (firstResult(rows).length === 0) {
      const held: { lease_until: string | number | null }[] = await this.db.query(
        'SELECT lease_until FROM gateway_upload WHERE upload_id = $1',
        [uploadId],
      );
      if (held[0] === undefined) throw new UploadNotFoundError(uploadId);
      throw new UploadBusyError(uploadId, secondsUntil(held[0].lease_until, now));
    }
  }

  /** Extends `owner`'s lease; upload_busy when another request took it over. */
  async renewLease(uploadId: string, owner: string, until: number): Promise<void> {
    const rows: unknown[] = await this.db.query(
      'UPDATE gateway_upload SET lease_until = $3 WHERE upload_id = $1 AND lease_owner = $2 RETURNING upload_id',
      [uploadId, owner, until],
    );
    if (firstResult(rows).length === 0) throw new UploadBusyError(uploadId);
  }

  /** Gives the lease back (nothing when it was taken over or the row is gone). */
  async releaseLease(uploadId: string, owner: string): Promise<void> {
    await this.db.query(
      'UPDATE gateway_upload SET lease_owner = NULL, lease_until = NULL WHERE upload_id = $1 AND lease_owner = $2',
      [uploadId, owner],
    );
  }

  /** Records the upload's progress under `owner`'s lease (renewed until `until`), in the caller's transaction. */
  async saveProgress(
    manager: EntityManager,
    uploadId: string,
    owner: string,
    progress: UploadProgress,
    until: number,
  ): Promise<void> {
    const rows: unknown[] = await manager.query(
      `UPDATE gateway_upload SET upload_offset = $3, tail = $4, lease_until = $5
       WHERE upload_id = $1 AND lease_owner = $2 RETURNING upload_id`,
      [uploadId, owner, progress.offset, progress.tail, until],
    );
    if (firstResult(rows).length === 0) throw new UploadBusyError(uploadId);
  }

  /** Deletes the row of an upload that was completed, under `owner`'s lease (upload_busy when it was taken over). */
  async deleteLeased(manager: EntityManager, uploadId: string, owner: string): Promise<void> {
    const rows: unknown[] = await manager.query(
      'DELETE FROM gateway_upload WHERE upload_id = $1 AND lease_owner = $2 RETURNING upload_id',
      [uploadId, owner],
    );
    if (firstResult(rows).length === 0) throw new UploadBusyError(uploadId);
  }

  /** Uploads past their expiry whose lease is free or stale: what the sweep removes. */
  async expired(now: number, limit: number): Promise<UploadRow[]> {
    const rows: Row[] = await this.db.query(
      `SELECT upload_id, object_id, upload_length, upload_offset, metadata, tail, expires_at, created_by
       FROM gateway_upload WHERE expires_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
       ORDER BY expires_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toUpload);
  }

  /**
   * Deletes an unfinished upload's rows: its object (and with it, by the
   * foreign keys, the upload and piece rows). Only while the object is
   * still 'uploading', so a finished object is never removed here.
   */
  async deleteUnfinished(objectId: string): Promise<void> {
    await this.db.query(`DELETE FROM gateway_object WHERE object_id = $1 AND status = 'uploading'`, [objectId]);
  }
}

/** Whole seconds (at least 1) from `now` until a lease's deadline; undefined when the lease was given back meanwhile. */
function secondsUntil(leaseUntil: string | number | null, now: number): number | undefined {
  return leaseUntil === null ? undefined : Math.max(1, Math.ceil((Number(leaseUntil) - now) / 1000));
}

/** TypeORM answers an `UPDATE/DELETE ... RETURNING` as [rows, count] on its postgres drivers, as the bare rows elsewhere. */
function firstResult(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}

function toUpload(row: Row): UploadRow {
  return {
    uploadId: row.upload_id,
    objectId: row.object_id,
    length: Number(row.upload_length),
    offset: Number(row.upload_offset),
    metadata: row.metadata,
    tail: row.tail === null ? null : Buffer.from(row.tail),
    expiresAt: Number(row.expires_at),
    createdBy: row.created_by,
  };
}
