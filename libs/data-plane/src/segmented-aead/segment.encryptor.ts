import { DataPlaneError } from '../errors/data-plane.errors';
import { assertDataKey } from './data-key';
import { FrameAssembler } from './frame.assembler';
import { encodeSegmentHeader, SegmentHeader } from './segment-header.codec';
import { encryptSegment } from './segment.crypto';
import { segmentCount, segmentPlaintextSize } from './segment.layout';

const EMPTY = new Uint8Array(0);

/**
 * Encrypts a plaintext that arrives in pieces of any size (tus PATCH
 * bodies) into whole segments. It buffers at most one incomplete segment,
 * and its state is (nextSegment(), pending()), so an upload interrupted
 * after segment k can resume with `new SegmentEncryptor(key, header, k, tail)`.
 * It never emits the header: callers write encodeSegmentHeader(header) first.
 */
export class SegmentEncryptor {
  private readonly frames: FrameAssembler;

  constructor(
    private readonly key: Uint8Array,
    private readonly header: SegmentHeader,
    startSegment = 0,
    pendingTail: Uint8Array = EMPTY,
  ) {
    assertDataKey(key);
    encodeSegmentHeader(header); // validates the header
    const count = segmentCount(header);
    const consumed = Math.min(startSegment * header.segmentSize, header.plaintextSize);
    this.frames = new FrameAssembler(
      (index) => segmentPlaintextSize(header, index),
      count,
      startSegment,
      header.plaintextSize - consumed,
      pendingTail,
    );
  }

  /**
   * Adds plaintext and returns the ciphertext (‖ tag) of every segment that
   * is now complete, in order. Refuses, without consuming anything, more
   * plaintext than the header's plaintextSize.
   */
  push(plaintext: Uint8Array): Uint8Array[] {
    const segments: Uint8Array[] = [];
    this.frames.push(plaintext, (index, frame) => segments.push(encryptSegment(this.key, this.header, index, frame)));
    return segments;
  }

  /**
   * Ends the plaintext: returns the segments still owed (only an empty
   * object's single empty segment can be) or fails with `segment.truncated`
   * when plaintext is missing.
   */
  finish(): Uint8Array[] {
    const missing = this.frames.remaining();
    if (missing > 0) {
      throw new DataPlaneError(
        'segment.truncated',
        `the plaintext ended ${missing} bytes short of ${this.header.plaintextSize}`,
        { missing },
      );
    }
    return this.push(EMPTY);
  }

  /** A copy of the buffered plaintext of the incomplete segment nextSegment(). */
  pending(): Uint8Array {
    return this.frames.pending();
  }

  /** The segment the next plaintext belongs to; segmentCount(header) once all are emitted. */
  nextSegment(): number {
    return this.frames.nextIndex();
  }
}
