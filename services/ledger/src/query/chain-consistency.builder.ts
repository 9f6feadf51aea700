import { fromHex, MerkleTree, toHex } from '@accord/protocol';
import { HeightRangeInvalidError } from './query.errors';

/**
 * RFC 6962 consistency proof between two prefixes of a chain: the tree's
 * leaves are the block hashes (leaf i = SHA-256(0x00 || blockHash bytes of
 * height i)), so the chain up to `fromHeight` is the tree of size
 * fromHeight + 1. Verify with protocol's verifyConsistency(size1, size2,
 * proof, root1, root2).
 */
export interface ChainConsistencyProof {
  readonly channel: string;
  readonly fromHeight: number;
  readonly toHeight: number;
  readonly size1: number;
  readonly size2: number;
  /** Root over the block hashes of heights 0..fromHeight. */
  readonly root1: string;
  /** Root over the block hashes of heights 0..toHeight. */
  readonly root2: string;
  readonly proof: readonly string[];
}

/** `blockHashes[i]` must be the hash of block i, for i = 0..toHeight at least. */
export function buildChainConsistencyProof(
  channel: string,
  blockHashes: readonly string[],
  fromHeight: number,
  toHeight: number,
): ChainConsistencyProof {
  if (fromHeight > toHeight) {
    throw new HeightRangeInvalidError(`fromHeight ${fromHeight} is above toHeight ${toHeight}`, {
      fromHeight,
      toHeight,
    });
  }
  if (blockHashes.length < toHeight + 1) {
    throw new HeightRangeInvalidError(
      `channel ${channel} has ${blockHashes.length} blocks, toHeight ${toHeight} is beyond its head`,
      {
        fromHeight,
        toHeight,
        blocks: blockHashes.length,
      },
    );
  }
  const size1 = fromHeight + 1;
  const size2 = toHeight + 1;
  const tree = MerkleTree.fromLeafData(blockHashes.slice(0, size2).map((h) => fromHex(h, 32, 'block hash')));
  return {
    channel,
    fromHeight,
    toHeight,
    size1,
    size2,
    root1: toHex(tree.root(size1)),
    root2: toHex(tree.root(size2)),
    proof: tree.consistencyProof(size1, size2).map(toHex),
  };
}
