import { DataPlaneError } from '../errors/data-plane.errors';
import { SEGMENT_HEADER_BYTES, SEGMENT_TAG_BYTES, SegmentHeader } from './segment-header.codec';

/** An inclusive byte range of the plaintext, as in an HTTP Range header. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** n = max(1, ceil(plaintextSize / segmentSize)): an empty object still has one (empty) segment. */
export function segmentCount(header: SegmentHeader): number {
  return Math.max(1, Math.ceil(header.plaintextSize / header.segmentSize));
}

/** segmentSize for every segment but the last, which holds the rest (0 bytes only for an empty object). */
export function segmentPlaintextSize(header: SegmentHeader, index: number): number {
  const count = checkSegmentIndex(header, index);
  return index < count - 1 ? header.segmentSize : header.plaintextSize - (count - 1) * header.segmentSize;
}

/** Header plus every segment and its tag. */
export function ciphertextSize(header: SegmentHeader): number {
  return SEGMENT_HEADER_BYTES + header.plaintextSize + segmentCount(header) * SEGMENT_TAG_BYTES;
}

/** Where segment `index` starts in the ciphertext stream: 24 + index * (segmentSize + 16). */
export function segmentCiphertextOffset(header: SegmentHeader, index: number): number {
  checkSegmentIndex(header, index);
  return SEGMENT_HEADER_BYTES + index * (header.segmentSize + SEGMENT_TAG_BYTES);
}

/** The segments a reader must fetch and authenticate to return the plaintext `range`. */
export function segmentsCovering(header: SegmentHeader, range: ByteRange): { first: number; last: number } {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new DataPlaneError('segment.invalid_argument', `invalid byte range ${String(start)}-${String(end)}`);
  }
  if (end >= header.plaintextSize) {
    throw new DataPlaneError(
      'segment.invalid_argument',
      `byte range ${start}-${end} exceeds the plaintext size ${header.plaintextSize}`,
      { start, end, plaintextSize: header.plaintextSize },
    );
  }
  return { first: Math.floor(start / header.segmentSize), last: Math.floor(end / header.segmentSize) };
}

/** Returns the segment count after checking that `index` names one of the segments. */
function checkSegmentIndex(header: SegmentHeader, index: number): number {
  const count = segmentCount(header);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new DataPlaneError('segment.invalid_argument', `segment index ${String(index)} is not in 0..${count - 1}`, {
      index,
    });
  }
  return count;
}
