import { Transform, type Readable } from 'node:stream';
import {
  isDataPlaneError,
  rangeDecryptTransform,
  SEGMENT_TAG_BYTES,
  segmentPlaintextSize,
  type ByteRange,
  type SegmentHeader,
} from '@accord/data-plane';
import { ObjectNotFoundError as StoreObjectNotFoundError, type ObjectStore } from '@accord/object-store';
import { ObjectIntegrityError } from '../storage-gateway.errors';
import type { StoredPiece } from './object-writer';

export interface SegmentRead {
  readonly store: ObjectStore;
  readonly objectId: string;
  readonly dataKey: Uint8Array;
  readonly header: SegmentHeader;
  readonly range: ByteRange;
  /** The pieces holding segments first..last, in segment order. */
  readonly pieces: readonly StoredPiece[];
  readonly first: number;
  readonly last: number;
  /** Plaintext is handed on in chunks of at least this many bytes (1: segment by segment). */
  readonly chunkBytes: number;
}

/**
 * The plaintext of `range`, read from the pieces that hold segments
 * first..last (the GET of the next piece under way while one is
 * decrypted) and decrypted segment by segment. A missing piece, or a
 * segment whose tag fails, ends the stream with object_integrity_failed
 * before any byte of that segment is passed on; a reader that stops early
 * ends the reads of the store too.
 */
export function readSegments(read: SegmentRead): Readable {
  const { store, objectId, dataKey, header, range, pieces, first, last, chunkBytes } = read;
  const out = coalescing(chunkBytes);
  const decrypt = rangeDecryptTransform(dataKey, header, range);
  decrypt.on('error', (error: unknown) => out.destroy(integrityError(objectId, error)));
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
    const body = store.get(piece.storeKey, { start, end });
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
          throw new ObjectIntegrityError(`object ${objectId}: segment ${next} is in no piece`);
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
      if (next <= last) throw new ObjectIntegrityError(`object ${objectId}: segment ${next} is in no piece`);
      decrypt.end();
    } catch (error) {
      out.destroy(integrityError(objectId, error));
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

function integrityError(objectId: string, error: unknown): Error {
  if (isDataPlaneError(error))
    return new ObjectIntegrityError(`object ${objectId}: ${error.message}`, { reason: error.code });
  if (error instanceof StoreObjectNotFoundError)
    return new ObjectIntegrityError(`object ${objectId}: a piece is missing from the object store`);
  return error instanceof Error ? error : new Error(String(error));
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
