import { Injectable } from '@nestjs/common';
import { STORAGE_ANCHOR, type ObjectDigest, type StorageAnchorPayload } from '@accord/data-plane';
import type { JsonObject } from '@accord/protocol';
import { DepartmentTxPublisher, InjectClock, ServiceLogger, type Clock } from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import { ObjectVault, type StoredObject } from '../vault/object-vault';

/**
 * Anchoring (docs/storage-gateway-upload.md "Anchoring"): when an upload's
 * last byte is stored, its digest (SHA-256 and chunk root) is recorded and
 * the object turns 'anchoring'; the storage.anchor tx goes to the ledger
 * through the department's tx publisher. The object becomes 'available' —
 * and is served — only once that anchor is committed: the projector marks
 * it when the anchor is projected after we stored its tx id, reconcile()
 * when it was projected before.
 */
@Injectable()
export class AnchorService {
  private readonly log: ServiceLogger;

  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly publisher: DepartmentTxPublisher,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('anchoring');
  }

  /** Records the digest of an object whose last byte is stored; it turns 'anchoring' (in the caller's transaction). */
  async recordDigest(manager: EntityManager, objectId: string, digest: ObjectDigest): Promise<void> {
    await manager.query(
      `UPDATE gateway_object SET sha256 = $2, chunk_size = $3, chunk_root = $4, leaf_hashes = $5, completed_at = $6,
         status = 'anchoring'
       WHERE object_id = $1 AND status = 'uploading'`,
      [objectId, digest.sha256, digest.chunkSize, digest.chunkRoot, digest.leafHashes, this.clock.now()],
    );
  }

  /**
   * anchor() for a freshly completed object, where a failure is not the
   * client's: a publish that fails (bus down) leaves the object
   * 'anchoring' without an anchor tx, for the re-anchor job. Null then.
   */
  async anchorCompleted(objectId: string): Promise<string | null> {
    try {
      return await this.anchor(await this.vault.get(objectId));
    } catch (error) {
      this.log.pino.warn(
        { err: error, object: objectId },
        'publishing the anchor failed; the re-anchor job will retry',
      );
      return null;
    }
  }

  /**
   * Publishes a storage.anchor for an object of ours in 'anchoring' and
   * stores it as the object's anchor (the newest tx id: the projector
   * matches on it). Returns the tx id.
   */
  async anchor(object: StoredObject): Promise<string> {
    const published = await this.publisher.publish({
      channel: object.channel,
      type: STORAGE_ANCHOR,
      payload: anchorPayloadOf(object) as unknown as JsonObject,
    });
    await this.db.query(
      `UPDATE gateway_object SET anchor_tx_id = $2, anchor_published_at = $3
       WHERE object_id = $1 AND status = 'anchoring'`,
      [object.objectId, published.txId, this.clock.now()],
    );
    await this.reconcile();
    return published.txId;
  }

  /**
   * Objects still 'anchoring' whose content was anchored by us in another
   * tx that committed (an earlier publish that was overtaken by a
   * re-publish, then committed after all) take that anchor and become
   * 'available'.
   */
  async adoptCommitted(department: string): Promise<void> {
    await this.db.query(
      `UPDATE gateway_object o SET status = 'available', anchor_tx_id = a.tx_id FROM gateway_anchor a
       WHERE o.origin = 'upload' AND o.status = 'anchoring' AND a.owner = $1 AND a.erased_by IS NULL
         AND a.channel = o.channel AND a.dataset = o.dataset AND a.version = o.version
         AND a.sha256 = o.sha256 AND a.chunk_root = o.chunk_root AND a.size_bytes = o.size_bytes`,
      [department],
    );
  }

  /** Objects whose anchor was projected before its tx id was stored become 'available' here. */
  async reconcile(): Promise<void> {
    await this.db.query(
      `UPDATE gateway_object o SET status = 'available' FROM gateway_anchor a
       WHERE o.anchor_tx_id = a.tx_id AND o.status = 'anchoring'
         AND a.sha256 = o.sha256 AND a.chunk_root = o.chunk_root AND a.size_bytes = o.size_bytes`,
    );
  }
}

/** The storage.anchor payload of a completed object (what the ledger records of it). */
export function anchorPayloadOf(object: StoredObject): StorageAnchorPayload {
  if (object.sha256 === null || object.chunkRoot === null)
    throw new Error(`object ${object.objectId} has no digest yet: it cannot be anchored`);
  return {
    dataset: object.dataset,
    version: object.version,
    sizeBytes: object.sizeBytes,
    mediaType: object.mediaType,
    sha256: object.sha256,
    chunkSize: object.chunkSize,
    chunkRoot: object.chunkRoot,
  };
}
