/**
 * What the scrubber can find wrong with a stored object (docs/storage-gateway-scrubber.md "Findings"):
 * - `missing`: its header or a piece is absent from the object store, or a segment is in no piece;
 * - `tampered`: a segment's authentication tag fails or the header was altered (object_integrity_failed);
 * - `hash_mismatch`: the plaintext's SHA-256 or chunk root differs from the object row or the anchor;
 * - `size_mismatch`: the plaintext's size differs from the anchor's, or a stored part's size from what was written.
 */
export const SCRUB_FINDING_KINDS = ['missing', 'tampered', 'hash_mismatch', 'size_mismatch'] as const;
export type ScrubFindingKind = (typeof SCRUB_FINDING_KINDS)[number];

/** One problem with one object, before it is recorded. */
export interface ObjectProblem {
  readonly kind: ScrubFindingKind;
  readonly detail: string;
}
