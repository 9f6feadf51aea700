import {
  encodeSegmentHeader,
  ObjectDigester,
  SegmentEncryptor,
  type ObjectDigest,
  type SegmentHeader,
} from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { Readable } from 'node:stream';

/**
 * Most ciphertext bytes in one piece: 8 MiB, the object store's part size,
 * so a piece is one PUT (127 segments of 64 KiB with their tags).
 */
export const PIECE_MAX_BYTES = 8 * 1024 * 1024;

/** One stored run of segments of an object (a gateway_object_piece row). */
export interface StoredPiece {
  readonly firstSegment: number;
  readonly segmentCount: number;
  readonly storeKey: string;
  readonly byteSize: number;
}

/** A state of the writer that is durable once its pieces are recorded: `offset` plaintext bytes, the last `tail` of them not in a piece. */
export interface WriterCheckpoint {
  readonly offset: number;
  readonly tail: Uint8Array;
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
 * encryptor; complete segments are gathered into pieces of at most
 * PIECE_MAX_BYTES. A full piece is handed to the object store while the
 * next one is gathered (one piece in flight at most), so encrypting and
 * storing overlap and memory stays flat whatever the object size. A writer
 * resumed after an interruption starts from a segment boundary with the
 * pending tail and a digester that has seen every byte before it.
 */
export class ObjectWriter {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private bufferedFirst: number;
  private written: StoredPiece[] = [];
  /** The piece being stored (rejections are kept for the next await, never left unhandled). */
  private inFlight: Promise<void> = Promise.resolve();
  private storing = 0;
  /** Segments before this one are in stored pieces. */
  private storedEnd: number;

  constructor(
    private readonly store: ObjectStore,
    readonly objectId: string,
    private readonly header: SegmentHeader,
    private readonly encryptor: SegmentEncryptor,
    private readonly digester: ObjectDigester,
  ) {
    this.bufferedFirst = encryptor.nextSegment();
    this.storedEnd = this.bufferedFirst;
  }

  /** Writes the object's header (once, when the object is created). */
  static async writeHeader(store: ObjectStore, objectId: string, header: SegmentHeader): Promise<void> {
    const bytes = Buffer.from(encodeSegmentHeader(header));
    await store.put(headerKey(objectId), Readable.from([bytes]), { size: bytes.length });
  }

  /** Plaintext bytes taken so far (stored, being stored, buffered, or pending in the last incomplete segment). */
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
      if (this.bufferedBytes + segment.length > PIECE_MAX_BYTES) await this.handOver();
      this.buffered.push(segment);
      this.bufferedBytes += segment.length;
    }
  }

  /** Stores every complete segment taken so far and waits until the store has them all. */
  async flush(): Promise<void> {
    // An empty object still has its one (empty, last) segment: the encryptor gives it once all bytes are in.
    if (this.complete && this.header.plaintextSize === 0 && this.encryptor.nextSegment() === 0)
      for (const segment of this.encryptor.finish()) {
        this.buffered.push(segment);
        this.bufferedBytes += segment.length;
      }
    await this.handOver();
    await this.inFlight;
  }

  /** Waits for the piece being stored, if any, whatever its outcome (before undoing what was stored). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  /** The pieces stored since the last call (the caller records them with its progress, in one transaction). */
  takePieces(): StoredPiece[] {
    const pieces = this.written;
    this.written = [];
    return pieces;
  }

  /**
   * What can be committed now with the pieces taken so far: everything,
   * tail included, right after a flush; otherwise the end of the last
   * stored piece (a resumed writer reads back from there).
   */
  checkpoint(): WriterCheckpoint {
    if (this.buffered.length === 0 && this.storing === 0)
      return { offset: this.offset, tail: this.encryptor.pending() };
    return {
      offset: Math.min(this.storedEnd * this.header.segmentSize, this.header.plaintextSize),
      tail: new Uint8Array(0),
    };
  }

  /** Plaintext of the incomplete segment not stored yet (kept sealed in the database between requests). */
  pendingTail(): Uint8Array {
    return this.encryptor.pending();
  }

  /** The object's digest, once every byte was written and flushed. */
  digest(): ObjectDigest {
    if (!this.complete || this.buffered.length > 0 || this.storing > 0)
      throw new Error(`object ${this.objectId} is not complete: ${this.offset} of ${this.header.plaintextSize} bytes`);
    return this.digester.digest();
  }

  /** Hands the buffered segments to the store as one piece, once the previous piece is stored. */
  private async handOver(): Promise<void> {
    if (this.buffered.length === 0) return;
    const piece: StoredPiece = {
      firstSegment: this.bufferedFirst,
      segmentCount: this.buffered.length,
      storeKey: pieceKey(this.objectId, this.bufferedFirst),
      byteSize: this.bufferedBytes,
    };
    const segments = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    this.bufferedFirst += piece.segmentCount;
    await this.inFlight;
    this.storing += 1;
    const stored = this.store
      .put(piece.storeKey, Readable.from(segments), { size: piece.byteSize })
      .then(() => {
        this.written.push(piece);
        this.storedEnd = piece.firstSegment + piece.segmentCount;
      })
      .finally(() => {
        this.storing -= 1;
      });
    stored.catch(() => undefined);
    this.inFlight = stored;
  }
}
