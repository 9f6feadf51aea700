import { Transform, TransformCallback } from 'node:stream';
import { DataPlaneError } from '../errors/data-plane.errors';
import { assertDataKey } from './data-key';
import { FrameAssembler } from './frame.assembler';
import { encodeSegmentHeader, SEGMENT_TAG_BYTES, SegmentHeader } from './segment-header.codec';
import { decryptSegment } from './segment.crypto';
import { SegmentEncryptor } from './segment.encryptor';
import { ByteRange, segmentPlaintextSize, segmentsCovering } from './segment.layout';

/**
 * Plaintext in, the whole segmented ciphertext out: the header, then each
 * segment as soon as it is complete. More plaintext than the header's
 * plaintextSize fails with `segment.invalid_argument`, less with `segment.truncated`.
 */
export function segmentEncryptTransform(key: Uint8Array, header: SegmentHeader): Transform {
  const encryptor = new SegmentEncryptor(key, header);
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      settle(done, () => encryptor.push(chunk).forEach((segment) => this.push(segment)));
    },
    flush(done) {
      settle(done, () => encryptor.finish().forEach((segment) => this.push(segment)));
    },
  });
  transform.push(encodeSegmentHeader(header));
  return transform;
}

/**
 * Ciphertext of exactly the segments segmentsCovering(header, range) in,
 * the plaintext bytes of `range` out. Each segment is authenticated before
 * any of its bytes leave; one changed byte fails with `segment.auth_failed`,
 * input that ends early with `segment.truncated`, extra input with
 * `segment.invalid_argument`.
 */
export function rangeDecryptTransform(key: Uint8Array, header: SegmentHeader, range: ByteRange): Transform {
  assertDataKey(key);
  encodeSegmentHeader(header); // validates the header
  const { first, last } = segmentsCovering(header, range);
  const sealedSize = (index: number): number => segmentPlaintextSize(header, index) + SEGMENT_TAG_BYTES;
  const capacity = (last - first) * (header.segmentSize + SEGMENT_TAG_BYTES) + sealedSize(last);
  const frames = new FrameAssembler(sealedSize, last + 1, first, capacity);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      settle(done, () =>
        frames.push(chunk, (index, sealed) => {
          this.push(clipToRange(decryptSegment(key, header, index, sealed), index * header.segmentSize, range));
        }),
      );
    },
    flush(done) {
      const missing = frames.remaining();
      if (missing === 0) return done();
      done(
        new DataPlaneError('segment.truncated', `the ciphertext ended ${missing} bytes early`, {
          index: frames.nextIndex(),
          missing,
        }),
      );
    },
  });
}

/** The part of a segment's plaintext (starting at plaintext offset `offset`) inside `range`. */
function clipToRange(plaintext: Uint8Array, offset: number, range: ByteRange): Uint8Array {
  const from = Math.max(range.start, offset) - offset;
  const to = Math.min(range.end + 1, offset + plaintext.length) - offset;
  return plaintext.subarray(from, to);
}

function settle(done: TransformCallback, work: () => void): void {
  try {
    work();
    done();
  } catch (error) {
    done(error as Error);
  }
}
