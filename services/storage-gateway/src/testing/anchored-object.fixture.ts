import { waitFor } from '@accord/event-bus/testing';
import { STORAGE_ANCHOR } from '@accord/data-plane';
import { withTransaction } from '@accord/persistence';
import { DepartmentTxPublisher, type ServiceUnderTest } from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { ObjectVault } from '../vault/object-vault';
import { gatewayDb } from './gateway-department.fixture';

export interface AnchoredObject {
  readonly objectId: string;
  readonly anchorTxId: string;
}

/**
 * Stores `bytes` in the gateway's vault and anchors them as the upload
 * path does (pieces, digest, storage.anchor through the department
 * publisher), then waits until the anchor is committed and the object
 * available: for specs of what comes after an upload.
 */
export async function storeAnchoredObject(
  gateway: ServiceUnderTest<StorageGatewayConfig>,
  spec: {
    readonly channel: string;
    readonly dataset: string;
    readonly version?: number;
    readonly mediaType?: string;
    readonly bytes: Uint8Array;
    readonly chunkSize?: number;
  },
): Promise<AnchoredObject> {
  const vault = gateway.service.app.get(ObjectVault);
  const publisher = gateway.service.app.get(DepartmentTxPublisher);
  const db = gatewayDb(gateway);
  const version = spec.version ?? 1;
  const mediaType = spec.mediaType ?? 'application/octet-stream';
  const writer = await vault.create({
    origin: 'upload',
    channel: spec.channel,
    dataset: spec.dataset,
    version,
    mediaType,
    sizeBytes: spec.bytes.length,
    status: 'anchoring',
    now: Date.now(),
    ...(spec.chunkSize === undefined ? {} : { chunkSize: spec.chunkSize }),
  });
  for (let at = 0; at < spec.bytes.length; at += 300_000) await writer.write(spec.bytes.subarray(at, at + 300_000));
  await writer.flush();
  await withTransaction(db, (manager) => vault.recordPieces(manager, writer.objectId, writer.takePieces()));
  const digest = writer.digest();
  const published = await publisher.publish({
    channel: spec.channel,
    type: STORAGE_ANCHOR,
    payload: {
      dataset: spec.dataset,
      version,
      sizeBytes: digest.size,
      mediaType,
      sha256: digest.sha256,
      chunkSize: digest.chunkSize,
      chunkRoot: digest.chunkRoot,
    },
  });
  await db.query(
    `UPDATE gateway_object SET sha256 = $2, chunk_root = $3, leaf_hashes = $4, anchor_tx_id = $5, completed_at = $6
     WHERE object_id = $1`,
    [writer.objectId, digest.sha256, digest.chunkRoot, digest.leafHashes, published.txId, Date.now()],
  );
  await waitFor(
    `the anchor of ${spec.dataset} to be committed`,
    async () => {
      await db.query(
        `UPDATE gateway_object o SET status = 'available' FROM gateway_anchor a
       WHERE o.anchor_tx_id = a.tx_id AND o.status = 'anchoring' AND a.sha256 = o.sha256 AND a.chunk_root = o.chunk_root`,
      );
      const rows: { status: string }[] = await db.query('SELECT status FROM gateway_object WHERE object_id = $1', [
        writer.objectId,
      ]);
      return rows[0]?.status === 'available' ? true : undefined;
    },
    60_000,
  );
  return { objectId: writer.objectId, anchorTxId: published.txId };
}
