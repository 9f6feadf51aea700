import { MERKLE_HASH_BYTES } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';

/** Cuts concatenated 32-byte leaf hashes into views (no copy). */
export function splitLeafHashes(leafHashes: Uint8Array): Uint8Array[] {
  if (!(leafHashes instanceof Uint8Array) || leafHashes.length % MERKLE_HASH_BYTES !== 0) {
    throw new DataPlaneError('chunk.invalid_argument', `leaf hashes must be a multiple of ${MERKLE_HASH_BYTES} bytes`);
  }
  return Array.from({ length: leafHashes.length / MERKLE_HASH_BYTES }, (_, i) =>
    leafHashes.subarray(i * MERKLE_HASH_BYTES, (i + 1) * MERKLE_HASH_BYTES),
  );
}
