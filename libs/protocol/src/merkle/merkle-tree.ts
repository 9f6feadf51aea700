import { hash } from 'node:crypto';
import { ProtocolError } from '../errors/protocol.errors';
import { EMPTY_TREE_ROOT, hashChildren, hashLeaf, MERKLE_HASH_BYTES, NODE_PREFIX } from './merkle.hasher';

const H = MERKLE_HASH_BYTES;
// Leaves live in contiguous buffers indexed with 32-bit arithmetic.
const MAX_LEAVES = 2 ** 30;

/**
 * An RFC 6962 Merkle tree held in memory. Construction hashes every perfect
 * subtree once, level by level, into one contiguous buffer per level; the
 * root of any prefix of the tree and every inclusion or consistency proof are
 * then assembled from those nodes with O(log n) extra hashes.
 */
export class MerkleTree {
  /** levels[l] holds, back to back, the hashes of the aligned perfect subtrees of 2^l leaves. */
  private readonly levels: Buffer[];

  private constructor(
    readonly size: number,
    leafLevel: Buffer,
  ) {
    this.levels = [leafLevel];
    // The hot loop of large trees: copy each sibling pair straight into the
    // prefixed hash input instead of slicing it (about 2x faster than hashChildren here).
    const input = Buffer.alloc(1 + 2 * H);
    input[0] = NODE_PREFIX;
    for (let count = size; count >= 2;) {
      const below = this.levels[this.levels.length - 1];
      const pairs = Math.floor(count / 2);
      const level = Buffer.allocUnsafe(pairs * H);
      for (let i = 0; i < pairs; i++) {
        below.copy(input, 1, 2 * i * H, (2 * i + 2) * H);
        level.set(hash('sha256', input, 'buffer'), i * H);
      }
      this.levels.push(level);
      count = pairs;
    }
  }

  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MerkleTree {
    if (leafHashes.length > MAX_LEAVES) {
      throw new ProtocolError('merkle.invalid_argument', `a tree holds at most ${MAX_LEAVES} leaves`);
    }
    const leaves = Buffer.allocUnsafe(leafHashes.length * H);
    leafHashes.forEach((leaf, i) => {
      if (!(leaf instanceof Uint8Array) || leaf.length !== H) {
        throw new ProtocolError('merkle.invalid_argument', `leaf hash ${i} is not ${H} bytes`);
      }
      leaves.set(leaf, i * H);
    });
    return new MerkleTree(leafHashes.length, leaves);
  }

  /** Hashes each leaf's data with the RFC 6962 leaf prefix first. */
  static fromLeafData(leaves: readonly Uint8Array[]): MerkleTree {
    return MerkleTree.fromLeafHashes(leaves.map(hashLeaf));
  }

  leafHash(index: number): Uint8Array {
    checkIndex(index, this.size, 'leaf index');
    return this.node(0, index);
  }

  /** Root of the tree made of the first `size` leaves (RFC 6962 MTH). */
  root(size: number = this.size): Uint8Array {
    checkSize(size, this.size, 'size');
    return size === 0 ? EMPTY_TREE_ROOT : this.subtreeHash(0, size);
  }

  /** RFC 6962 PATH(index, D[size]): sibling hashes from the leaf upwards. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    checkSize(size, this.size, 'size');
    checkIndex(index, size, 'leaf index');
    const proof: Uint8Array[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /** RFC 6962 PROOF(size1, D[size2]); requires 0 < size1 <= size2. */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    checkSize(size2, this.size, 'size2');
    checkSize(size1, size2, 'size1');
    if (size1 === 0)
      throw new ProtocolError('merkle.invalid_argument', 'a consistency proof from the empty tree is meaningless');
    const proof: Uint8Array[] = [];
    this.subproof(size1, 0, size2, true, proof);
    return proof;
  }

  private node(level: number, index: number): Uint8Array {
    return this.levels[level].subarray(index * H, (index + 1) * H);
  }

  /** MTH(D[start:end]); a stored node when the range is an aligned perfect subtree. */
  private subtreeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = 31 - Math.clz32(n);
      return this.node(level, start / n);
    }
    const k = largestPowerOfTwoBelow(n);
    return hashChildren(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
  }

  private path(m: number, start: number, end: number, out: Uint8Array[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.subtreeHash(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.subtreeHash(start, start + k));
    }
  }

  /** RFC 6962 SUBPROOF(m, D[start:end], completeSubtree). */
  private subproof(m: number, start: number, end: number, completeSubtree: boolean, out: Uint8Array[]): void {
    const n = end - start;
    if (m === n) {
      if (!completeSubtree) out.push(this.subtreeHash(start, end));
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      this.subproof(m, start, start + k, completeSubtree, out);
      out.push(this.subtreeHash(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.subtreeHash(start, start + k));
    }
  }
}

/** Root of the RFC 6962 tree over the given leaf hashes. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  return MerkleTree.fromLeafHashes(leafHashes).root();
}

/** Largest power of two strictly below n, for n >= 2. */
function largestPowerOfTwoBelow(n: number): number {
  return 2 ** (31 - Math.clz32(n - 1));
}

function checkSize(size: number, max: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > max) {
    throw new ProtocolError('merkle.invalid_argument', `${what} ${String(size)} is not an integer in [0, ${max}]`);
  }
}

function checkIndex(index: number, size: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new ProtocolError('merkle.invalid_argument', `${what} ${String(index)} is not an integer in [0, ${size})`);
  }
}
