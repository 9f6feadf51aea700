import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  decodeSegmentHeader,
  DEFAULT_CHUNK_SIZE,
  isDataPlaneError,
  newSegmentHeader,
  ObjectDigester,
  SegmentEncryptor,
  segmentsCovering,
  type SegmentHeader,
} from '@accord/data-plane';
import { DATA_KEY_BYTES } from '@accord/protocol';
import { ObjectNotFoundError as StoreObjectNotFoundError, type ObjectStore } from '@accord/object-store';
import { InjectObjectStore } from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import { KeyEncryptionKey } from '../keys/key-encryption-key';
import { ContentErasedError, ObjectIntegrityError, ObjectNotFoundError } from '../storage-gateway.errors';
import { headerKey, ObjectWriter, type StoredPiece } from './object-writer';
import { readSegments } from './segment.reader';
import { toStoredObject, type NewObject, type ObjectRow, type StoredObject } from './stored-object';
import { openTail, sealTail } from './upload-tail.cipher';

export type { NewObject, StoredObject } from './stored-object';

/** Decrypted segments (64 KiB) are passed on in chunks of about this size: far fewer socket writes. */
const OUTPUT_CHUNK_BYTES = 512 * 1024;
/** Headers kept in memory (24 bytes each, read once per object instead of once per range). */
const HEADER_CACHE_SIZE = 4096;

/**
 * The gateway's encrypted object storage (docs/storage-gateway.md "Storage
 * layout"): each object has its own random data key, kept only wrapped by
 * the KEK in gateway_object; its ciphertext is the segmented AES-256-GCM
 * stream of docs/data-plane-formats.md, stored as a header object and
 * pieces of whole segments. Any plaintext range is read by fetching and
 * decrypting only the segments that cover it.
 */
@Injectable()
export class ObjectVault {
  private readonly headers = new Map<string, SegmentHeader>();

  constructor(
    @InjectObjectStore() private readonly store: ObjectStore,
    private readonly db: DataSource,
    private readonly kek: KeyEncryptionKey,
  ) {}

  /** Creates an object (row, data key, header in the store) and a writer for its first byte. */
  async create(spec: NewObject, manager: EntityManager = this.db.manager): Promise<ObjectWriter> {
    const objectId = randomUUID();
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const header = newSegmentHeader(spec.sizeBytes);
    const chunkSize = spec.chunkSize ?? DEFAULT_CHUNK_SIZE;
    await ObjectWriter.writeHeader(this.store, objectId, header);
    await manager.query(
      `INSERT INTO gateway_object (object_id, origin, channel, dataset, version, media_type, size_bytes, segment_size,
         wrapped_key, status, chunk_size, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        objectId,
        spec.origin,
        spec.channel,
        spec.dataset,
        spec.version,
        spec.mediaType,
        spec.sizeBytes,
        header.segmentSize,
        this.kek.wrap(dataKey, keyContext(objectId)),
        spec.status,
        chunkSize,
        spec.now,
      ],
    );
    return new ObjectWriter(
      this.store,
      objectId,
      header,
      new SegmentEncryptor(dataKey, header, 0),
      new ObjectDigester(chunkSize),
    );
  }

  /**
   * A writer that goes on after `offset` plaintext bytes, of which the last
   * `tail` ones were not stored as a segment yet. The digester is rebuilt by
   * reading the stored bytes back (decrypted, so each tag is checked again).
   */
  async resume(objectId: string, offset: number, sealedTail: Uint8Array | null): Promise<ObjectWriter> {
    const object = await this.get(objectId);
    const dataKey = this.dataKey(object);
    const header = await this.header(object);
    const tail = sealedTail === null ? new Uint8Array(0) : openTail(dataKey, objectId, sealedTail);
    const stored = offset - tail.length;
    if (stored < 0 || stored % header.segmentSize !== 0)
      throw new ObjectIntegrityError(
        `object ${objectId}: offset ${offset} and tail ${tail.length} do not meet a segment boundary`,
      );
    const digester = new ObjectDigester(object.chunkSize);
    if (stored > 0)
      for await (const chunk of await this.readRange(object, { start: 0, end: stored - 1 }))
        digester.update(chunk as Buffer);
    digester.update(tail);
    const encryptor = new SegmentEncryptor(dataKey, header, stored / header.segmentSize, tail);
    return new ObjectWriter(this.store, objectId, header, encryptor, digester);
  }

  /** Seals the writer's pending tail for the database (upload-tail.cipher.ts). */
  async sealTail(objectId: string, tail: Uint8Array): Promise<Buffer | null> {
    if (tail.length === 0) return null;
    return sealTail(this.dataKey(await this.get(objectId)), objectId, tail);
  }

  /** Records pieces a writer stored (in the caller's transaction, with its progress). */
  async recordPieces(manager: EntityManager, objectId: string, pieces: readonly StoredPiece[]): Promise<void> {
    for (const piece of pieces)
      await manager.query(
        `INSERT INTO gateway_object_piece (object_id, first_segment, segment_count, store_key, byte_size)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (object_id, first_segment) DO UPDATE SET segment_count = EXCLUDED.segment_count,
           store_key = EXCLUDED.store_key, byte_size = EXCLUDED.byte_size`,
        [objectId, piece.firstSegment, piece.segmentCount, piece.storeKey, piece.byteSize],
      );
  }

  async find(objectId: string): Promise<StoredObject | undefined> {
    const rows: ObjectRow[] = await this.db.query('SELECT * FROM gateway_object WHERE object_id = $1', [objectId]);
    return rows[0] === undefined ? undefined : toStoredObject(rows[0]);
  }

  async get(objectId: string): Promise<StoredObject> {
    const object = await this.find(objectId);
    if (object === undefined) throw new ObjectNotFoundError(`object ${objectId}`, { object: objectId });
    return object;
  }

  /**
   * The object's header, from a small cache of headers read before (a
   * header never changes; the GCM tags bind every segment to it, so a
   * header altered in the store later fails the scrubber, which reads it
   * `fresh`).
   */
  async header(object: StoredObject, options: { readonly fresh?: boolean } = {}): Promise<SegmentHeader> {
    const cached = options.fresh === true ? undefined : this.headers.get(object.objectId);
    if (cached !== undefined) return cached;
    const header = await this.storedHeader(object);
    if (this.headers.size >= HEADER_CACHE_SIZE) this.headers.delete(this.headers.keys().next().value as string);
    this.headers.set(object.objectId, header);
    return header;
  }

  /** The object's header as stored; a missing or altered header is object_integrity_failed. */
  private async storedHeader(object: StoredObject): Promise<SegmentHeader> {
    let bytes: Buffer;
    try {
      bytes = await readAll(await this.store.get(headerKey(object.objectId)));
    } catch (error) {
      if (error instanceof StoreObjectNotFoundError)
        throw new ObjectIntegrityError(`object ${object.objectId}: its header is missing from the object store`);
      throw error;
    }
    let header: SegmentHeader;
    try {
      header = decodeSegmentHeader(bytes);
    } catch (error) {
      if (isDataPlaneError(error)) throw new ObjectIntegrityError(`object ${object.objectId}: ${error.message}`);
      throw error;
    }
    if (header.plaintextSize !== object.sizeBytes)
      throw new ObjectIntegrityError(`object ${object.objectId}: its stored header announces another size`);
    return header;
  }

  /**
   * The plaintext of `range` (inclusive; the caller checked it against the
   * size), read from only the pieces and segments that cover it. A missing
   * piece or a segment whose tag fails ends the stream with
   * object_integrity_failed before any byte of that segment is passed on.
   */
  async readRange(
    object: StoredObject,
    range: { start: number; end: number },
    options: { readonly freshHeader?: boolean; readonly segmentChunks?: boolean } = {},
  ): Promise<Readable> {
    const dataKey = this.dataKey(object);
    const header = await this.header(object, { fresh: options.freshHeader === true });
    const { first, last } = segmentsCovering(header, range);
    const pieces = await this.piecesCovering(object.objectId, first, last);
    // Segment by segment for a reader that paces itself per segment (the scrubber); larger chunks otherwise.
    return readSegments({
      store: this.store,
      objectId: object.objectId,
      dataKey,
      header,
      range,
      pieces,
      first,
      last,
      chunkBytes: options.segmentChunks === true ? 1 : OUTPUT_CHUNK_BYTES,
    });
  }

  /** Removes the object's ciphertext from the store (after erasure or a failed upload); the rows stay as evidence. */
  async removeStored(objectId: string): Promise<void> {
    const rows: { store_key: string }[] = await this.db.query(
      'SELECT store_key FROM gateway_object_piece WHERE object_id = $1',
      [objectId],
    );
    for (const row of rows) await this.store.remove(row.store_key);
    await this.store.remove(headerKey(objectId));
    this.headers.delete(objectId);
    await this.db.query('DELETE FROM gateway_object_piece WHERE object_id = $1', [objectId]);
  }

  /** The stored pieces of an object in segment order (what the scrubber reads). */
  async pieces(objectId: string): Promise<StoredPiece[]> {
    const rows: PieceRow[] = await this.db.query(
      'SELECT first_segment, segment_count, store_key, byte_size FROM gateway_object_piece WHERE object_id = $1 ORDER BY first_segment',
      [objectId],
    );
    return rows.map(toPiece);
  }

  /** The leaf hashes of the object's chunk tree (chunkCount × 32 bytes), kept when its upload completed. */
  async leafHashes(objectId: string): Promise<Buffer> {
    const rows: { leaf_hashes: Buffer | null }[] = await this.db.query(
      'SELECT leaf_hashes FROM gateway_object WHERE object_id = $1',
      [objectId],
    );
    const leaves = rows[0]?.leaf_hashes;
    if (leaves === undefined || leaves === null)
      throw new ObjectIntegrityError(`object ${objectId} has no chunk leaf hashes (its upload did not complete)`);
    return Buffer.from(leaves);
  }

  /** The object's data key; content_erased once its wrapped key was destroyed. */
  dataKey(object: StoredObject): Buffer {
    if (object.wrappedKey === null)
      throw new ContentErasedError(`object ${object.objectId}`, { object: object.objectId });
    return this.kek.unwrap(object.wrappedKey, keyContext(object.objectId));
  }

  private async piecesCovering(objectId: string, first: number, last: number): Promise<StoredPiece[]> {
    const rows: PieceRow[] = await this.db.query(
      `SELECT first_segment, segment_count, store_key, byte_size FROM gateway_object_piece
         WHERE object_id = $1 AND first_segment <= $3 AND first_segment + segment_count > $2 ORDER BY first_segment`,
      [objectId, first, last],
    );
    return rows.map(toPiece);
  }
}

/** The additional data binding a wrapped data key to its object. */
function keyContext(objectId: string): { object: string } {
  return { object: objectId };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface PieceRow {
  first_segment: string;
  segment_count: string;
  store_key: string;
  byte_size: string;
}

function toPiece(row: PieceRow): StoredPiece {
  return {
    firstSegment: Number(row.first_segment),
    segmentCount: Number(row.segment_count),
    storeKey: row.store_key,
    byteSize: Number(row.byte_size),
  };
}
