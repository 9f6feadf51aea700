/** A run of segments, as a gateway_object_piece row records it. */
export interface SegmentRun {
  readonly firstSegment: number;
  readonly segmentCount: number;
}

/** Segments first..last (inclusive) that no piece holds. */
export interface SegmentGap {
  readonly first: number;
  readonly last: number;
}

/**
 * The segments of an object of `segmentCount` segments that none of its
 * recorded pieces hold: a piece row that was lost, or pieces that stop
 * short of the end. Overlapping pieces are not gaps (the reader takes each
 * segment from the first piece that holds it). Pure.
 */
export function segmentGaps(pieces: readonly SegmentRun[], segmentCount: number): SegmentGap[] {
  const gaps: SegmentGap[] = [];
  let next = 0;
  for (const piece of [...pieces].sort((a, b) => a.firstSegment - b.firstSegment)) {
    if (piece.firstSegment > next) gaps.push({ first: next, last: Math.min(piece.firstSegment, segmentCount) - 1 });
    next = Math.max(next, piece.firstSegment + piece.segmentCount);
    if (next >= segmentCount) break;
  }
  if (next < segmentCount) gaps.push({ first: next, last: segmentCount - 1 });
  return gaps.filter((gap) => gap.first <= gap.last);
}

/** Segments of an object of `size` plaintext bytes cut in `segmentSize` ones (an empty object has one, empty). */
export function segmentCountOf(size: number, segmentSize: number): number {
  return Math.max(1, Math.ceil(size / segmentSize));
}

/** Ciphertext bytes of the first `plaintextBytes` bytes of an object: the plaintext plus a tag per segment begun. */
export function ciphertextBytesOf(plaintextBytes: number, segmentSize: number, tagBytes: number): number {
  return plaintextBytes + Math.ceil(plaintextBytes / segmentSize) * tagBytes;
}
