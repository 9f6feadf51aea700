import { waitFor } from '@accord/event-bus/testing';
import { withTransaction } from '@accord/persistence';
import type { ServiceUnderTest } from '@accord/service-kit';
import { AnchorService } from '../anchoring/anchor.service';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { ObjectVault } from '../vault/object-vault';
import { gatewayDb } from './gateway-department.fixture';

export interface AnchoredObject {
  readonly objectId: string;
  readonly anchorTxId: string;
}

/**
 * Stores `bytes` in the gateway's vault and anchors them with the upload
 * path's own AnchorService (pieces, digest, storage.anchor), then waits
 * until the anchor is committed and the object available: for specs of
 * what comes after an upload, without the tus protocol around it.
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
  const anchoring = gateway.service.app.get(AnchorService);
  const db = gatewayDb(gateway);
  const writer = await vault.create({
    origin: 'upload',
    channel: spec.channel,
    dataset: spec.dataset,
    version: spec.version ?? 1,
    mediaType: spec.mediaType ?? 'application/octet-stream',
    sizeBytes: spec.bytes.length,
    status: 'uploading',
    now: Date.now(),
    ...(spec.chunkSize === undefined ? {} : { chunkSize: spec.chunkSize }),
  });
  for (let at = 0; at < spec.bytes.length; at += 300_000) await writer.write(spec.bytes.subarray(at, at + 300_000));
  await writer.flush();
  await withTransaction(db, async (manager) => {
    await vault.recordPieces(manager, writer.objectId, writer.takePieces());
    await anchoring.recordDigest(manager, writer.objectId, writer.digest());
  });
  const anchorTxId = await anchoring.anchor(await vault.get(writer.objectId));
  await waitFor(
    `the anchor of ${spec.dataset} to be committed`,
    async () => ((await vault.get(writer.objectId)).status === 'available' ? true : undefined),
    60_000,
  );
  return { objectId: writer.objectId, anchorTxId };
}
