import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { ObjectDigest } from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { CLOCK, OBJECT_STORE, type Clock } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { ObjectVault } from '../../vault/object-vault';
import type { StoredPiece } from '../../vault/object-writer';

export interface StoredObjectSpec {
  readonly plaintext: Buffer;
  /** Plaintext offsets after which the writer flushes a piece (each a multiple of the 64 KiB segment). Default: one piece. */
  readonly pieceBreaks?: readonly number[];
  readonly chunkSize?: number;
  readonly channel?: string;
  readonly dataset?: string;
  /** Also project an anchor of it (gateway_anchor row, anchor_tx_id), with these figures changed. */
  readonly anchor?: Partial<{ sizeBytes: number; sha256: string; chunkRoot: string }>;
}

export interface StoredTestObject {
  readonly objectId: string;
  readonly digest: ObjectDigest;
  readonly pieces: readonly StoredPiece[];
  readonly anchorTxId: string | null;
}

/**
 * Stores an available object through the gateway's own vault, as a
 * finished upload leaves it: header and pieces in the object store, pieces
 * recorded, digest on the row; optionally anchored. For scrubber specs.
 */
export async function storeAvailableObject(
  app: INestApplicationContext,
  spec: StoredObjectSpec,
): Promise<StoredTestObject> {
  const vault = app.get(ObjectVault);
  const db = app.get(DataSource);
  const now = app.get<Clock>(CLOCK).now();
  const writer = await vault.create({
    origin: 'upload',
    status: 'available',
    channel: spec.channel ?? 'scrub-channel',
    dataset: spec.dataset ?? 'dept-a/traffic',
    version: 1,
    mediaType: 'application/octet-stream',
    sizeBytes: spec.plaintext.length,
    now,
    ...(spec.chunkSize === undefined ? {} : { chunkSize: spec.chunkSize }),
  });
  let from = 0;
  for (const at of [...(spec.pieceBreaks ?? []), spec.plaintext.length]) {
    await writer.write(spec.plaintext.subarray(from, at));
    await writer.flush();
    from = at;
  }
  const pieces = writer.takePieces();
  await vault.recordPieces(db.manager, writer.objectId, pieces);
  const digest = writer.digest();
  await db.query(
    `UPDATE gateway_object SET sha256 = $2, chunk_root = $3, leaf_hashes = $4, completed_at = $5 WHERE object_id = $1`,
    [writer.objectId, digest.sha256, digest.chunkRoot, digest.leafHashes, now],
  );
  const anchorTxId = spec.anchor === undefined ? null : await anchorObject(db, writer.objectId, digest, spec);
  return { objectId: writer.objectId, digest, pieces, anchorTxId };
}

async function anchorObject(
  db: DataSource,
  objectId: string,
  digest: ObjectDigest,
  spec: StoredObjectSpec,
): Promise<string> {
  const txId = createHash('sha256').update(`anchor of ${objectId}`).digest('hex');
  await db.query(
    `INSERT INTO gateway_anchor (tx_id, channel, dataset, owner, version, size_bytes, media_type, sha256, chunk_size,
       chunk_root, height, tx_index, time)
     VALUES ($1, $2, $3, $4, 1, $5, 'application/octet-stream', $6, $7, $8, 1, 0, 0)`,
    [
      txId,
      spec.channel ?? 'scrub-channel',
      spec.dataset ?? 'dept-a/traffic',
      'dept-a',
      spec.anchor?.sizeBytes ?? digest.size,
      spec.anchor?.sha256 ?? digest.sha256,
      digest.chunkSize,
      spec.anchor?.chunkRoot ?? digest.chunkRoot,
    ],
  );
  await db.query('UPDATE gateway_object SET anchor_tx_id = $2 WHERE object_id = $1', [objectId, txId]);
  return txId;
}

/** The gateway's object store (the local directory in specs): to alter or remove stored bytes behind its back. */
export function objectStoreOf(app: INestApplicationContext): ObjectStore {
  return app.get<ObjectStore>(OBJECT_STORE);
}

/** Flips one bit of a stored object (a piece or a header), keeping its size. */
export async function flipStoredByte(store: ObjectStore, key: string, at: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  bytes[at] ^= 0x01;
  await store.put(key, Readable.from([bytes]), { size: bytes.length });
}

/** Appends `extra` bytes to a stored object behind the gateway's back (a piece or header that grew). */
export async function appendStoredBytes(store: ObjectStore, key: string, extra: Buffer): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat([...chunks, extra]);
  await store.put(key, Readable.from([bytes]), { size: bytes.length });
}
