import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  decodeSegmentHeader,
  DEFAULT_CHUNK_SIZE,
  isDataPlaneError,
  newSegmentHeader,
  ObjectDigester,
  rangeDecryptTransform,
  SEGMENT_TAG_BYTES,
  SegmentEncryptor,
  segmentPlaintextSize,
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

/** What an object is, as gateway_object holds it. */
export interface StoredObject {
  readonly objectId: string;
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly sha256: string | null;
  readonly chunkSize: number;
  readonly chunkRoot: string | null;
  readonly anchorTxId: string | null;
  readonly wrappedKey: string | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
}

export interface NewObject {
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly now: number;
  readonly chunkSize?: number;
}

/** A gateway_object row as pg returns it (bigint as strings). */
export interface ObjectRow {
  object_id: string;
  origin: 'upload' | 'copy';
  channel: string;
  dataset: string;
  version: number;
  media_type: string;
  size_bytes: string;
  status: string;
  sha256: string | null;
  chunk_size: number;
  chunk_root: string | null;
  anchor_tx_id: string | null;
  wrapped_key: string | null;
  created_at: string;
  completed_at: string | null;
}

const TAIL_INFO = Buffer.from('accord/v1/upload-tail', 'utf8');
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

  /** Seals the writer's pending tail for the database (AES-256-GCM under a key derived from the data key). */
  async sealTail(objectId: string, tail: Uint8Array): Promise<Buffer | null> {
    if (tail.length === 0) return null;
    const dataKey = this.dataKey(await this.get(objectId));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', tailKey(dataKey), iv);
    cipher.setAAD(Buffer.from(objectId, 'utf8'));
    return Buffer.concat([iv, cipher.update(tail), cipher.final(), cipher.getAuthTag()]);
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
    const out = coalescing(options.segmentChunks === true ? 1 : OUTPUT_CHUNK_BYTES);
    const decrypt = rangeDecryptTransform(dataKey, header, range);
    decrypt.on('error', (error: unknown) => out.destroy(integrityError(object.objectId, error)));
    decrypt.pipe(out);
    // A reader that stops early (a client gone, a scrub stopped) ends the read of the store too.
    let closed = false;
    out.on('close', () => {
      closed = true;
      decrypt.destroy();
    });
    const stride = header.segmentSize + SEGMENT_TAG_BYTES;
    // The GET of the next piece is under way while the current one is decrypted.
    const open = (piece: StoredPiece, from: number): Promise<Readable> => {
      const lastHere = Math.min(last, piece.firstSegment + piece.segmentCount - 1);
      const start = (from - piece.firstSegment) * stride;
      const end =
        (lastHere - piece.firstSegment) * stride + segmentPlaintextSize(header, lastHere) + SEGMENT_TAG_BYTES - 1;
      const body = this.store.get(piece.storeKey, { start, end });
      body.catch(() => undefined);
      return body;
    };
    void (async () => {
      let upcoming: Promise<Readable> | null = null;
      try {
        let next = first;
        for (const [i, piece] of pieces.entries()) {
          if (closed) return;
          if (piece.firstSegment > next)
            throw new ObjectIntegrityError(`object ${object.objectId}: segment ${next} is in no piece`);
          const body = await (upcoming ?? open(piece, next));
          const lastHere = Math.min(last, piece.firstSegment + piece.segmentCount - 1);
          const following = pieces[i + 1];
          upcoming = following === undefined ? null : open(following, following.firstSegment);
          for await (const chunk of body) {
            if (closed) break;
            if (!decrypt.write(chunk)) await drainedOrClosed(decrypt);
          }
          next = lastHere + 1;
        }
        if (closed) return;
        if (next <= last) throw new ObjectIntegrityError(`object ${object.objectId}: segment ${next} is in no piece`);
        decrypt.end();
      } catch (error) {
        out.destroy(integrityError(object.objectId, error));
        decrypt.destroy();
      } finally {
        void upcoming?.then(
          (body) => body.destroy(),
          () => undefined,
        );
      }
    })();
    return out;
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
    const rows: { first_segment: string; segment_count: string; store_key: string; byte_size: string }[] =
      await this.db.query(
        'SELECT first_segment, segment_count, store_key, byte_size FROM gateway_object_piece WHERE object_id = $1 ORDER BY first_segment',
        [objectId],
      );
    return rows.map((r) => ({
      firstSegment: Number(r.first_segment),
      segmentCount: Number(r.segment_count),
      storeKey: r.store_key,
      byteSize: Number(r.byte_size),
    }));
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
    const rows: { first_segment: string; segment_count: string; store_key: string; byte_size: string }[] =
      await this.db.query(
        `SELECT first_segment, segment_count, store_key, byte_size FROM gateway_object_piece
         WHERE object_id = $1 AND first_segment <= $3 AND first_segment + segment_count > $2 ORDER BY first_segment`,
        [objectId, first, last],
      );
    return rows.map((r) => ({
      firstSegment: Number(r.first_segment),
      segmentCount: Number(r.segment_count),
      storeKey: r.store_key,
      byteSize: Number(r.byte_size),
    }));
  }
}

/** The additional data binding a wrapped data key to its object. */
function keyContext(objectId: string): { object: string } {
  return { object: objectId };
}

function tailKey(dataKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), TAIL_INFO, 32));
}

function openTail(dataKey: Uint8Array, objectId: string, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 12 + 16) throw new ObjectIntegrityError(`object ${objectId}: its sealed upload tail is too short`);
  const decipher = createDecipheriv('aes-256-gcm', tailKey(dataKey), bytes.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(objectId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    throw new ObjectIntegrityError(`object ${objectId}: its sealed upload tail does not open`);
  }
}

function integrityError(objectId: string, error: unknown): Error {
  if (isDataPlaneError(error))
    return new ObjectIntegrityError(`object ${objectId}: ${error.message}`, { reason: error.code });
  if (error instanceof StoreObjectNotFoundError)
    return new ObjectIntegrityError(`object ${objectId}: a piece is missing from the object store`);
  return error instanceof Error ? error : new Error(String(error));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function drainedOrClosed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** The object of a gateway_object row. */
export function toStoredObject(row: ObjectRow): StoredObject {
  return {
    objectId: row.object_id,
    origin: row.origin,
    channel: row.channel,
    dataset: row.dataset,
    version: row.version,
    mediaType: row.media_type,
    sizeBytes: Number(row.size_bytes),
    status: row.status,
    sha256: row.sha256,
    chunkSize: row.chunk_size,
    chunkRoot: row.chunk_root,
    anchorTxId: row.anchor_tx_id,
    wrappedKey: row.wrapped_key,
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}

/** A pass-through that hands on its input in chunks of at least `bytes` (the last one may be shorter). */
function coalescing(bytes: number): Transform {
  let held: Buffer[] = [];
  let heldBytes = 0;
  const release = (push: (chunk: Buffer) => void): void => {
    if (heldBytes === 0) return;
    push(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, heldBytes));
    held = [];
    heldBytes = 0;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes >= bytes) release((c) => this.push(c));
      done();
    },
    flush(done) {
      release((c) => this.push(c));
      done();
    },
  });
}
