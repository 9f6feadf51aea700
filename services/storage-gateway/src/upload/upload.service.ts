import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectClock, InjectConfig, type Clock } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { AnchorService } from '../anchoring/anchor.service';
import { GatewayChannels } from '../projection/gateway-channel.repository';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { UploadBusyError, UploadExpiredError } from '../storage-gateway.errors';
import { ObjectVault } from '../vault/object-vault';
import { UPLOAD_LEASE_MS } from './upload-progress';
import { UploadPatchHandler, type PatchInput } from './upload-patch.handler';
import { StrandedLeases } from './stranded-leases';
import { uploadTargetOf } from './upload-target';
import { UploadRepository, type UploadRow } from './upload.repository';
import { UploadWriters } from './upload-writers';
import { parseUploadMetadata } from './tus.protocol';

export interface NewUploadRequest {
  readonly length: number;
  /** The Upload-Metadata header as sent. */
  readonly metadata: string | undefined;
  /** The caller (its token's name). */
  readonly createdBy: string;
}

export interface CreatedUpload {
  readonly uploadId: string;
  readonly objectId: string;
  readonly expiresAt: number;
}

/** Where an upload is after a PATCH; `completed` when it took the last byte. */
export interface PatchedUpload {
  readonly offset: number;
  readonly expiresAt: number;
  readonly completed?: { readonly objectId: string; readonly anchorTxId: string | null };
}

/**
 * The tus use cases (docs/storage-gateway-upload.md): create an upload of a
 * dataset version, tell where it is, take its bytes PATCH by PATCH, finish
 * and anchor it, terminate it. Every write happens under the upload's lease,
 * so two requests never write the same upload at once, on any replica.
 */
@Injectable()
export class UploadService {
  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly uploads: UploadRepository,
    private readonly writers: UploadWriters,
    private readonly patches: UploadPatchHandler,
    private readonly anchors: AnchorService,
    private readonly channels: GatewayChannels,
    private readonly leases: StrandedLeases,
    @InjectConfig() private readonly config: StorageGatewayConfig,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Creates the object ('uploading', with its data key and header) and the upload row. */
  async create(request: NewUploadRequest): Promise<CreatedUpload> {
    const department = this.config.department;
    const target = uploadTargetOf(parseUploadMetadata(request.metadata), department);
    await this.channels.activeMember(target.channel, department);
    const now = this.clock.now();
    const uploadId = randomUUID();
    const expiresAt = now + this.config.uploadExpiryMs;
    const writer = await this.db.transaction(async (manager) => {
      const created = await this.vault.create(
        {
          origin: 'upload',
          status: 'uploading',
          channel: target.channel,
          dataset: target.dataset,
          version: target.version,
          mediaType: target.mediaType,
          sizeBytes: request.length,
          now,
        },
        manager,
      );
      await this.uploads.insert(manager, {
        uploadId,
        objectId: created.objectId,
        length: request.length,
        metadata: request.metadata ?? '',
        expiresAt,
        createdBy: request.createdBy,
      });
      return created;
    });
    this.writers.keep(uploadId, writer);
    return { uploadId, objectId: writer.objectId, expiresAt };
  }

  /** The upload as HEAD answers it; upload_not_found, or upload_expired once past its expiry. */
  async get(uploadId: string): Promise<UploadRow> {
    const upload = await this.uploads.get(uploadId);
    this.assertLive(upload);
    return upload;
  }

  /** Takes one PATCH; the one that completes the upload also records its digest and publishes its anchor. */
  async patch(uploadId: string, input: PatchInput): Promise<PatchedUpload> {
    return this.underLease(uploadId, async (upload, owner) => {
      this.assertLive(upload);
      const { writer, unrecorded } = await this.patches.receive(upload, owner, input);
      if (!writer.complete) return { offset: writer.offset, expiresAt: upload.expiresAt };
      const digest = writer.digest();
      await this.db.transaction(async (manager) => {
        await this.vault.recordPieces(manager, upload.objectId, unrecorded);
        await this.anchors.recordDigest(manager, upload.objectId, digest);
        await this.uploads.deleteLeased(manager, uploadId, owner);
      });
      const anchorTxId = await this.anchors.anchorCompleted(upload.objectId);
      return {
        offset: writer.offset,
        expiresAt: upload.expiresAt,
        completed: { objectId: upload.objectId, anchorTxId },
      };
    });
  }

  /** Termination: the stored bytes and the rows of the unfinished upload go. */
  async terminate(uploadId: string): Promise<void> {
    await this.underLease(uploadId, (upload) => this.remove(upload));
  }

  /** Removes expired uploads nobody is writing (the sweep); returns how many. */
  async sweepExpired(limit: number): Promise<number> {
    let removed = 0;
    for (const upload of await this.uploads.expired(this.clock.now(), limit)) {
      try {
        await this.underLease(upload.uploadId, (row) => this.remove(row));
        removed += 1;
      } catch (error) {
        if (!(error instanceof UploadBusyError)) throw error;
      }
    }
    return removed;
  }

  private async remove(upload: UploadRow): Promise<void> {
    this.writers.drop(upload.uploadId);
    await this.vault.removeStored(upload.objectId);
    await this.uploads.deleteUnfinished(upload.objectId);
  }

  /** Runs `work` on the upload re-read under a fresh lease, and gives the lease back after (if the row is still there). */
  private async underLease<T>(uploadId: string, work: (upload: UploadRow, owner: string) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const now = this.clock.now();
    await this.uploads.takeLease(uploadId, owner, now, now + UPLOAD_LEASE_MS);
    try {
      return await work(await this.uploads.get(uploadId), owner);
    } finally {
      await this.leases.release(uploadId, owner);
    }
  }

  private assertLive(upload: UploadRow): void {
    if (this.clock.now() >= upload.expiresAt) throw new UploadExpiredError(upload.uploadId, upload.expiresAt);
  }
}
