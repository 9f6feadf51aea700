import {
  encodeSegmentHeader,
  ObjectDigester,
  SegmentEncryptor,
  type ObjectDigest,
  type SegmentHeader,
} from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { Readable } from 'node:stream';

/** Ciphertext gathered before it is written as one piece (a run of whole segments): bounds the writer's memory. */
export const PIECE_TARGET_BYTES = 8 * 1024 * 1024;

/** One stored run of segments of an object (a gateway_object_piece row). */
export interface StoredPiece {
  readonly firstSegment: number;
  readonly segmentCount: number;
  readonly storeKey: string;
  readonly byteSize: number;
}

/** Where an object's ciphertext lives in the object store: its header, then its pieces in segment order. */
export function headerKey(objectId: string): string {
  return `objects/${objectId}/header`;
}

export function pieceKey(objectId: string, firstSegment: number): string {
  return `objects/${objectId}/s${String(firstSegment).padStart(12, '0')}`;
}

/**
 * Encrypts, hashes and stores one object's plaintext as it arrives
 * (docs/storage-gateway.md "Storage layout"): the plaintext goes through
 * the object digester (SHA-256 and chunk Merkle leaves) and the segment
 * encryptor; complete segments are gathered and written as pieces of about
 * PIECE_TARGET_BYTES, so memory stays flat whatever the object size. A
 * writer resumed after an interruption starts from a segment boundary with
 * the pending tail and a digester that has seen every byte before it.
 */
export class ObjectWriter {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private bufferedFirst: number;
  private written: StoredPiece[] = [];

  constructor(
    private readonly store: ObjectStore,
    readonly objectId: string,
    private readonly header: SegmentHeader,
    private readonly encryptor: SegmentEncryptor,
    private readonly digester: ObjectDigester,
  ) {
    this.bufferedFirst = encryptor.nextSegment();
  }

  /** Writes the object's header (once, when the object is created). */
  static async writeHeader(store: ObjectStore, objectId: string, header: SegmentHeader): Promise<void> {
    const bytes = Buffer.from(encodeSegmentHeader(header));
    await store.put(headerKey(objectId), Readable.from([bytes]), { size: bytes.length });
  }

  /** Plaintext bytes taken so far (stored in pieces, buffered, or pending in the last incomplete segment). */
  get offset(): number {
    return this.digester.bytes();
  }

  get complete(): boolean {
    return this.offset === this.header.plaintextSize;
  }

  async write(plaintext: Uint8Array): Promise<void> {
    if (plaintext.length === 0) return;
    this.digester.update(plaintext);
    for (const segment of this.encryptor.push(plaintext)) {
      this.buffered.push(segment);
      this.bufferedBytes += segment.length;
    }
    if (this.bufferedBytes >= PIECE_TARGET_BYTES) await this.flush();
  }

  /** Stores the complete segments gathered so far as one piece (nothing when there are none). */
  async flush(): Promise<void> {
    // An empty object still has its one (empty, last) segment: the encryptor gives it once all bytes are in.
    if (this.complete && this.header.plaintextSize === 0 && this.encryptor.nextSegment() === 0)
      for (const segment of this.encryptor.finish()) {
        this.buffered.push(segment);
        this.bufferedBytes += segment.length;
      }
    if (this.buffered.length === 0) return;
    const piece: StoredPiece = {
      firstSegment: this.bufferedFirst,
      segmentCount: this.buffered.length,
      storeKey: pieceKey(this.objectId, this.bufferedFirst),
      byteSize: this.bufferedBytes,
    };
    const body = Readable.from(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    this.bufferedFirst += piece.segmentCount;
    await this.store.put(piece.storeKey, body, { size: piece.byteSize });
    this.written.push(piece);
  }

  /** The pieces stored since the last call (the caller records them with its progress, in one transaction). */
  takePieces(): StoredPiece[] {
    const pieces = this.written;
    this.written = [];
    return pieces;
  }

  /** Plaintext of the incomplete segment not stored yet (kept sealed in the database between requests). */
  pendingTail(): Uint8Array {
    return this.encryptor.pending();
  }

  /** The object's digest, once every byte was written and flushed. */
  digest(): ObjectDigest {
    if (!this.complete || this.buffered.length > 0)
      throw new Error(`object ${this.objectId} is not complete: ${this.offset} of ${this.header.plaintextSize} bytes`);
    return this.digester.digest();
  }
}
