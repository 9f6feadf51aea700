import { Injectable } from '@nestjs/common';
import { ObjectVault } from '../vault/object-vault';
import type { ObjectWriter } from '../vault/object-writer';
import type { UploadRow } from './upload.repository';

/**
 * The writers of active uploads, kept in memory between PATCHes (keyed by
 * upload id) so a PATCH goes on without reading the stored bytes back.
 * Only a cache: when a writer is missing (restart, another replica) or its
 * offset is not the stored one (its last PATCH was undone or committed
 * elsewhere), it is rebuilt from the database with vault.resume.
 */
@Injectable()
export class UploadWriters {
  private readonly writers = new Map<string, ObjectWriter>();

  constructor(private readonly vault: ObjectVault) {}

  /** A writer positioned at the upload's stored offset. */
  async writerFor(upload: UploadRow): Promise<ObjectWriter> {
    const cached = this.writers.get(upload.uploadId);
    if (cached !== undefined && cached.objectId === upload.objectId && cached.offset === upload.offset) return cached;
    this.writers.delete(upload.uploadId);
    return this.vault.resume(upload.objectId, upload.offset, upload.tail);
  }

  keep(uploadId: string, writer: ObjectWriter): void {
    this.writers.set(uploadId, writer);
  }

  /** Forgets the writer (upload finished, terminated, expired, or its state is not the stored one any more). */
  drop(uploadId: string): void {
    this.writers.delete(uploadId);
  }

  get size(): number {
    return this.writers.size;
  }
}
