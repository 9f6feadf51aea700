import { Injectable } from '@nestjs/common';
import type { ObjectStore } from '@accord/object-store';
import { InjectObjectStore } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { ObjectVault } from '../vault/object-vault';
import type { ObjectWriter, StoredPiece } from '../vault/object-writer';
import { UploadRepository, type UploadRow } from './upload.repository';

/** How long a PATCH's lease lasts without a commit renewing it; another request may take a stale one over. */
export const UPLOAD_LEASE_MS = 60_000;

/**
 * Makes a PATCH's progress durable, or undoes it. Progress is the pieces
 * the writer stored, the new offset and the sealed tail of the incomplete
 * segment, committed in one transaction, so the database always describes
 * a prefix of the upload that vault.resume can go on from.
 */
@Injectable()
export class UploadProgressStore {
  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly uploads: UploadRepository,
    @InjectObjectStore() private readonly store: ObjectStore,
  ) {}

  /**
   * Commits the writer's durable state (its checkpoint: after a flush every
   * byte, otherwise up to the last stored piece) with the pieces taken.
   */
  async commit(upload: UploadRow, owner: string, writer: ObjectWriter, pieces: readonly StoredPiece[], now: number) {
    const checkpoint = writer.checkpoint();
    const tail = await this.vault.sealTail(upload.objectId, checkpoint.tail);
    await this.db.transaction(async (manager) => {
      await this.vault.recordPieces(manager, upload.objectId, pieces);
      await this.uploads.saveProgress(
        manager,
        upload.uploadId,
        owner,
        { offset: checkpoint.offset, tail },
        now + UPLOAD_LEASE_MS,
      );
    });
  }

  /** Renews the lease of a PATCH that is still receiving (a slow client commits rarely). */
  async renew(upload: UploadRow, owner: string, now: number): Promise<void> {
    await this.uploads.renewLease(upload.uploadId, owner, now + UPLOAD_LEASE_MS);
  }

  /**
   * Undoes a PATCH: the upload goes back to where it started (`start`, the
   * row read before its first byte), the piece rows of segments stored
   * during it are deleted, then their objects in the store.
   */
  async rollback(start: UploadRow, owner: string, pieces: readonly StoredPiece[], now: number): Promise<void> {
    if (pieces.length > 0) {
      const firstSegment = Math.min(...pieces.map((p) => p.firstSegment));
      await this.db.transaction(async (manager) => {
        await manager.query('DELETE FROM gateway_object_piece WHERE object_id = $1 AND first_segment >= $2', [
          start.objectId,
          firstSegment,
        ]);
        await this.uploads.saveProgress(manager, start.uploadId, owner, start, now + UPLOAD_LEASE_MS);
      });
    }
    for (const piece of pieces) await this.store.remove(piece.storeKey);
  }
}
