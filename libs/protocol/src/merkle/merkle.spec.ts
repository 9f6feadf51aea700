import * as fc from 'fast-check';
import vectors from '../../test-vectors/rfc6962.json';
import { ProtocolError } from '../errors/protocol.errors';
import {
  refConsistencyProof,
  refInclusionProof,
  refLeafHash,
  refNodeHash,
  refRoot,
  refVerifyConsistency,
  refVerifyInclusion,
} from '../testing/reference-merkle';
import { verifyConsistency, verifyInclusion } from './merkle-proof.verifier';
import { MerkleTree, merkleRoot } from './merkle-tree';
import { EMPTY_TREE_ROOT, hashLeaf } from './merkle.hasher';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Buffer => Buffer.from(h, 'hex');

/** Leaf hashes of n distinct leaves. */
const leafHashes = (n: number, salt = 0): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => refLeafHash(Buffer.from(`leaf ${salt} ${i}`)));

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(bytes);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

// Flips one bit of a safe integer (bits 0..52 keep it a safe integer).
const flipIntBit = (n: number, bit: number): number => Number(BigInt(n) ^ (1n << BigInt(bit)));

describe('RFC 6962 test vectors (test-vectors/rfc6962.json)', () => {
  const leaves = vectors.leaves_hex.map(unhex);
  const tree = MerkleTree.fromLeafData(leaves);

  it('hashes every leaf as published', () => {
    expect(leaves.map((l) => hex(hashLeaf(l)))).toEqual(vectors.leaf_hashes);
  });

  it('computes the empty root and every root by size', () => {
    expect(hex(EMPTY_TREE_ROOT)).toBe(vectors.empty_root);
    expect(hex(merkleRoot([]))).toBe(vectors.empty_root);
    for (const [size, root] of Object.entries(vectors.roots_by_size)) {
      expect(hex(tree.root(Number(size)))).toBe(root);
      expect(hex(MerkleTree.fromLeafData(leaves.slice(0, Number(size))).root())).toBe(root);
    }
    expect(Object.keys(vectors.roots_by_size)).toHaveLength(8);
  });

  it.each(vectors.inclusion_proofs)('generates and verifies inclusion of leaf $leaf_index in size $tree_size', (v) => {
    expect(tree.inclusionProof(v.leaf_index, v.tree_size).map(hex)).toEqual(v.proof);
    const root = unhex(vectors.roots_by_size[String(v.tree_size) as keyof typeof vectors.roots_by_size]);
    const result = verifyInclusion(
      unhex(vectors.leaf_hashes[v.leaf_index]),
      v.leaf_index,
      v.tree_size,
      v.proof.map(unhex),
      root,
    );
    expect(result).toEqual({ ok: true });
  });

  it.each(vectors.consistency_proofs)('generates and verifies consistency from $size1 to $size2', (v) => {
    expect(tree.consistencyProof(v.size1, v.size2).map(hex)).toEqual(v.proof);
    const roots = vectors.roots_by_size as Record<string, string>;
    const result = verifyConsistency(
      v.size1,
      v.size2,
      v.proof.map(unhex),
      unhex(roots[v.size1]),
      unhex(roots[v.size2]),
    );
    expect(result).toEqual({ ok: true });
  });

  it('covers the transparency-dev trivial cases: a one-leaf tree and equal sizes', () => {
    const single = unhex(vectors.leaf_hashes[0]);
    expect(tree.inclusionProof(0, 1)).toEqual([]);
    expect(verifyInclusion(single, 0, 1, [], single)).toEqual({ ok: true });
    const root8 = unhex(vectors.roots_by_size['8']);
    expect(tree.consistencyProof(8, 8)).toEqual([]);
    expect(verifyConsistency(8, 8, [], root8, root8)).toEqual({ ok: true });
  });
});

describe('MerkleTree against the recursive reference', () => {
  it('agrees on the root of every size up to 130', () => {
    const hashes = leafHashes(130);
    const tree = MerkleTree.fromLeafHashes(hashes);
    for (let n = 0; n <= 130; n++) {
      expect(hex(tree.root(n))).toBe(hex(refRoot(hashes.slice(0, n))));
    }
  });

  it('agrees on every inclusion proof for sizes up to 40', () => {
    const hashes = leafHashes(40);
    const tree = MerkleTree.fromLeafHashes(hashes);
    for (let n = 1; n <= 40; n++) {
      for (let i = 0; i < n; i++) {
        expect(tree.inclusionProof(i, n).map(hex)).toEqual(refInclusionProof(i, hashes.slice(0, n)).map(hex));
      }
    }
  });

  it('agrees on every consistency proof for sizes up to 34', () => {
    const hashes = leafHashes(34);
    const tree = MerkleTree.fromLeafHashes(hashes);
    for (let n = 1; n <= 34; n++) {
      for (let m = 1; m <= n; m++) {
        expect(tree.consistencyProof(m, n).map(hex)).toEqual(refConsistencyProof(m, hashes.slice(0, n)).map(hex));
      }
    }
  });

  it('computes the root of 1,000,000 leaves (speed is measured by the benchmark, not here)', () => {
    const n = 1_000_000;
    const block = Buffer.alloc(n * 32);
    for (let i = 0; i < n; i++) block.writeUInt32BE(i, i * 32);
    const hashes = Array.from({ length: n }, (_, i) => block.subarray(i * 32, (i + 1) * 32));
    const root = merkleRoot(hashes);
    // Independent check of the top of the tree: H(root of the first 2^19, root of the rest).
    const left = MerkleTree.fromLeafHashes(hashes.slice(0, 524_288)).root();
    const right = MerkleTree.fromLeafHashes(hashes.slice(524_288)).root();
    expect(hex(root)).toBe(hex(refNodeHash(left, right)));
  });

  it('throws ProtocolError for programmer errors', () => {
    const tree = MerkleTree.fromLeafHashes(leafHashes(4));
    expect(() => tree.inclusionProof(4)).toThrow(ProtocolError);
    expect(() => tree.inclusionProof(-1)).toThrow(ProtocolError);
    expect(() => tree.inclusionProof(0, 5)).toThrow(ProtocolError);
    expect(() => tree.consistencyProof(0, 4)).toThrow(ProtocolError);
    expect(() => tree.consistencyProof(3, 2)).toThrow(ProtocolError);
    expect(() => tree.root(1.5)).toThrow(ProtocolError);
    expect(() => MerkleTree.fromLeafHashes([new Uint8Array(31)])).toThrow(ProtocolError);
    expect(() => verifyInclusion(new Uint8Array(32), -1, 4, [], new Uint8Array(32))).toThrow(ProtocolError);
    expect(() => verifyInclusion(new Uint8Array(32), 0, 2 ** 53, [], new Uint8Array(32))).toThrow(ProtocolError);
    expect(() =>
      verifyConsistency(1, 2, ['00' as unknown as Uint8Array], new Uint8Array(32), new Uint8Array(32)),
    ).toThrow(ProtocolError);
  });
});

describe('proof verification results', () => {
  const hashes = leafHashes(8);
  const tree = MerkleTree.fromLeafHashes(hashes);

  it('reports typed failures instead of throwing', () => {
    const root = tree.root();
    const proof = tree.inclusionProof(3);
    expect(verifyInclusion(hashes[3], 8, 8, proof, root)).toMatchObject({
      ok: false,
      code: 'merkle.index_out_of_range',
    });
    expect(verifyInclusion(hashes[3], 3, 8, proof.slice(1), root)).toMatchObject({
      ok: false,
      code: 'merkle.wrong_proof_size',
    });
    expect(verifyInclusion(hashes[3], 3, 8, [...proof, root], root)).toMatchObject({
      ok: false,
      code: 'merkle.wrong_proof_size',
    });
    expect(verifyInclusion(hashes[3].subarray(1), 3, 8, proof, root)).toMatchObject({
      ok: false,
      code: 'merkle.bad_hash_length',
    });
    expect(verifyInclusion(hashes[3], 3, 8, proof, root.subarray(1))).toMatchObject({
      ok: false,
      code: 'merkle.bad_hash_length',
    });
    expect(verifyInclusion(hashes[2], 3, 8, proof, root)).toMatchObject({ ok: false, code: 'merkle.root_mismatch' });
    const c = tree.consistencyProof(3, 8);
    expect(verifyConsistency(8, 3, c, tree.root(8), tree.root(3))).toMatchObject({
      ok: false,
      code: 'merkle.invalid_sizes',
    });
    expect(verifyConsistency(0, 8, c, tree.root(0), root)).toMatchObject({ ok: false, code: 'merkle.invalid_sizes' });
    expect(verifyConsistency(3, 8, [], tree.root(3), root)).toMatchObject({
      ok: false,
      code: 'merkle.wrong_proof_size',
    });
    expect(verifyConsistency(3, 3, c, tree.root(3), tree.root(3))).toMatchObject({
      ok: false,
      code: 'merkle.wrong_proof_size',
    });
    expect(verifyConsistency(3, 8, c, tree.root(4), root)).toMatchObject({ ok: false, code: 'merkle.root_mismatch' });
    expect(verifyConsistency(3, 8, c, tree.root(3), tree.root(7))).toMatchObject({
      ok: false,
      code: 'merkle.root_mismatch',
    });
  });
});

describe('proof properties (fast-check)', () => {
  const MAX = 300;
  const hashes = leafHashes(MAX, 7);
  const tree = MerkleTree.fromLeafHashes(hashes);
  const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
  const sizes = fc
    .integer({ min: 1, max: MAX })
    .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));
  const runs = { numRuns: 300 };

  it('every generated inclusion proof verifies, as it does with the reference verifier', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = tree.inclusionProof(index, size);
        expect(verifyInclusion(hashes[index], index, size, proof, tree.root(size))).toEqual({ ok: true });
        expect(refVerifyInclusion(hashes[index], index, size, proof, tree.root(size))).toBe(true);
      }),
      runs,
    );
  });

  it('a single-bit flip in a proof hash, the leaf, the root or the index makes inclusion fail', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(255), fc.nat(52), fc.nat(10_000), ([size, index], bit, intBit, pick) => {
        const proof = tree.inclusionProof(index, size);
        const root = tree.root(size);
        const leaf = hashes[index];
        if (proof.length > 0) {
          const k = pick % proof.length;
          const corrupted = proof.map((h, i) => (i === k ? flipBit(h, bit) : h));
          expect(verifyInclusion(leaf, index, size, corrupted, root).ok).toBe(false);
        }
        expect(verifyInclusion(flipBit(leaf, bit), index, size, proof, root).ok).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, flipBit(root, bit)).ok).toBe(false);
        expect(verifyInclusion(leaf, flipIntBit(index, intBit), size, proof, root).ok).toBe(false);
      }),
      runs,
    );
  });

  it('a single-bit flip in the size fails exactly when the RFC 9162 reference verifier fails', () => {
    // RFC 6962 inclusion proofs bind the size only through the proof's shape:
    // e.g. leaf 0 has the same proof and root in trees of 5 and of 7 leaves.
    // Accord binds the size by hashing txCount into the attested header.
    let accepted = 0;
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(52), ([size, index], intBit) => {
        const proof = tree.inclusionProof(index, size);
        const root = tree.root(size);
        const flipped = flipIntBit(size, intBit);
        const result = verifyInclusion(hashes[index], index, flipped, proof, root);
        expect(result.ok).toBe(refVerifyInclusion(hashes[index], index, flipped, proof, root));
        if (result.ok) accepted++;
      }),
      { numRuns: 1000 },
    );
    const proof = tree.inclusionProof(0, 5);
    expect(verifyInclusion(hashes[0], 0, 7, proof, tree.root(5))).toEqual({ ok: true });
    expect(accepted).toBeLessThan(1000);
  });

  it('every generated consistency proof verifies, as it does with the reference verifier', () => {
    fc.assert(
      fc.property(sizes, ([size1, size2]) => {
        const proof = tree.consistencyProof(size1, size2);
        expect(verifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2))).toEqual({ ok: true });
        expect(refVerifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2))).toBe(true);
      }),
      runs,
    );
  });

  it('a single-bit flip in a proof hash or either root makes consistency fail', () => {
    fc.assert(
      fc.property(sizes, fc.nat(255), fc.nat(10_000), ([size1, size2], bit, pick) => {
        const proof = tree.consistencyProof(size1, size2);
        const root1 = tree.root(size1);
        const root2 = tree.root(size2);
        if (proof.length > 0) {
          const k = pick % proof.length;
          const corrupted = proof.map((h, i) => (i === k ? flipBit(h, bit) : h));
          expect(verifyConsistency(size1, size2, corrupted, root1, root2).ok).toBe(false);
        }
        expect(verifyConsistency(size1, size2, proof, flipBit(root1, bit), root2).ok).toBe(false);
        expect(verifyConsistency(size1, size2, proof, root1, flipBit(root2, bit)).ok).toBe(false);
      }),
      runs,
    );
  });

  it('a single-bit flip in either size agrees with the RFC 9162 reference verifier', () => {
    fc.assert(
      fc.property(sizes, fc.nat(52), fc.boolean(), ([size1, size2], intBit, first) => {
        const proof = tree.consistencyProof(size1, size2);
        const root1 = tree.root(size1);
        const root2 = tree.root(size2);
        const s1 = first ? flipIntBit(size1, intBit) : size1;
        const s2 = first ? size2 : flipIntBit(size2, intBit);
        expect(verifyConsistency(s1, s2, proof, root1, root2).ok).toBe(
          refVerifyConsistency(s1, s2, proof, root1, root2),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
