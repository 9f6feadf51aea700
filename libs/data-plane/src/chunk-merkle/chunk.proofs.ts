import { hashLeaf, isHex, MERKLE_HASH_BYTES, MerkleTree, toHex, verifyInclusion } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';
import { splitLeafHashes } from './leaf-hashes';

/**
 * Builds an object's chunk tree once (from ObjectDigest.leafHashes) to
 * answer many inclusion proofs, e.g. for every chunk of a transfer.
 */
export class ChunkProofs {
  private readonly tree: MerkleTree;

  constructor(leafHashes: Uint8Array) {
    this.tree = MerkleTree.fromLeafHashes(splitLeafHashes(leafHashes));
  }

  get chunkCount(): number {
    return this.tree.size;
  }

  /** RFC 6962 audit path of chunk `index`, hex sibling hashes from the leaf upwards. */
  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.tree.size) {
      throw new DataPlaneError(
        'chunk.invalid_argument',
        `chunk index ${String(index)} is not in 0..${this.tree.size - 1}`,
        {
          index,
        },
      );
    }
    return this.tree.inclusionProof(index).map(toHex);
  }

  /** The chunk root, hex; SHA-256("") when the object is empty. */
  root(): string {
    return toHex(this.tree.root());
  }
}

/** One proof from concatenated leaf hashes; builds the tree per call (use ChunkProofs for many). */
export function chunkInclusionProof(leafHashes: Uint8Array, index: number): string[] {
  return new ChunkProofs(leafHashes).proof(index);
}

/**
 * True when `chunk` is chunk `index` of the object whose chunk tree of
 * `chunkCount` leaves has root `chunkRootHex`. Untrusted input: any malformed
 * argument (bad hex, index out of range, wrong proof length) is simply false.
 * As in RFC 6962, the proof binds the count only through its shape, so
 * chunkCount and the root must both come from the anchored ObjectDigest,
 * never from the sender of the chunk.
 */
export function verifyChunk(
  chunk: Uint8Array,
  index: number,
  chunkCount: number,
  proofHex: readonly string[],
  chunkRootHex: string,
): boolean {
  return chunkMismatch(chunk, index, chunkCount, proofHex, chunkRootHex) === undefined;
}

/** verifyChunk that throws `chunk.mismatch` (details: index, reason) instead of returning false. */
export function assertChunk(
  chunk: Uint8Array,
  index: number,
  chunkCount: number,
  proofHex: readonly string[],
  chunkRootHex: string,
): void {
  const reason = chunkMismatch(chunk, index, chunkCount, proofHex, chunkRootHex);
  if (reason !== undefined) {
    throw new DataPlaneError('chunk.mismatch', `chunk ${String(index)} does not verify: ${reason}`, { index, reason });
  }
}

/** Why the chunk does not verify, or undefined when it does. */
function chunkMismatch(
  chunk: Uint8Array,
  index: number,
  chunkCount: number,
  proofHex: readonly string[],
  chunkRootHex: string,
): string | undefined {
  if (!(chunk instanceof Uint8Array)) return 'the chunk is not bytes';
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(chunkCount) || index < 0 || index >= chunkCount) {
    return `index ${String(index)} is not within ${String(chunkCount)} chunks`;
  }
  if (!isHex(chunkRootHex, MERKLE_HASH_BYTES)) return 'the root is not a 32-byte lowercase hex hash';
  if (!Array.isArray(proofHex) || !proofHex.every((h) => isHex(h, MERKLE_HASH_BYTES))) {
    return 'the proof is not a list of 32-byte lowercase hex hashes';
  }
  const verification = verifyInclusion(
    hashLeaf(chunk),
    index,
    chunkCount,
    proofHex.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(chunkRootHex, 'hex'),
  );
  return verification.ok ? undefined : verification.reason;
}
