import { ProtocolError } from '../errors/protocol.errors';
import { hashChildren, MERKLE_HASH_BYTES } from './merkle.hasher';

export type MerkleFailureCode =
  | 'merkle.index_out_of_range'
  | 'merkle.invalid_sizes'
  | 'merkle.wrong_proof_size'
  | 'merkle.bad_hash_length'
  | 'merkle.root_mismatch';

/** A merely invalid proof is a result, never an exception. */
export type MerkleVerification =
  { readonly ok: true } | { readonly ok: false; readonly code: MerkleFailureCode; readonly reason: string };

const OK: MerkleVerification = { ok: true };

/** The root an inclusion proof implies, or why it implies none. */
export type ProofRoot = { readonly ok: true; readonly hash: Uint8Array } | Exclude<MerkleVerification, { ok: true }>;

/**
 * Verifies an RFC 6962 inclusion proof (after transparency-dev/merkle
 * proof.VerifyInclusion). Throws only for programmer errors (arguments of the
 * wrong type, negative or unsafe integers).
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): MerkleVerification {
  checkArguments({ root }, {}, []);
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!computed.ok) return computed;
  const rootLength = checkHashLengths([root]);
  if (rootLength !== undefined) return rootLength;
  return matchRoot(computed.hash, root);
}

/**
 * Root of a tree of `size` leaves implied by an inclusion proof, or why none
 * can be computed.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): ProofRoot {
  checkArguments({ leafHash }, { index, size }, proof);
  if (index >= size) return fail('merkle.index_out_of_range', `leaf index ${index} is not below tree size ${size}`);
  const lengths = checkHashLengths([leafHash, ...proof]);
  if (lengths !== undefined) return lengths;
  const i = BigInt(index);
  const { inner, border } = decomposeInclusionProof(i, BigInt(size));
  if (proof.length !== inner + border) {
    return fail('merkle.wrong_proof_size', `inclusion proof has ${proof.length} hashes, expected ${inner + border}`);
  }
  const hash = chainBorderRight(chainInner(leafHash, proof.slice(0, inner), i), proof.slice(inner));
  return { ok: true, hash };
}

/**
 * Verifies an RFC 6962 consistency proof between tree sizes size1 <= size2
 * (after transparency-dev/merkle proof.VerifyConsistency). As there, a proof
 * from the empty tree is meaningless and fails with `merkle.invalid_sizes`.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): MerkleVerification {
  checkArguments({ root1, root2 }, { size1, size2 }, proof);
  const lengths = checkHashLengths([root1, root2, ...proof]);
  if (lengths !== undefined) return lengths;
  if (size2 < size1) return fail('merkle.invalid_sizes', `size2 ${size2} is smaller than size1 ${size1}`);
  if (size1 === size2) {
    if (proof.length > 0) return fail('merkle.wrong_proof_size', 'sizes are equal but the proof is not empty');
    return matchRoot(root1, root2);
  }
  if (size1 === 0) return fail('merkle.invalid_sizes', 'a consistency proof from the empty tree is meaningless');
  if (proof.length === 0) return fail('merkle.wrong_proof_size', 'the proof is empty');

  const s1 = BigInt(size1);
  const decomposition = decomposeInclusionProof(s1 - 1n, BigInt(size2));
  const shift = trailingZeros(s1);
  const inner = decomposition.inner - shift;
  const { border } = decomposition;
  // The proof starts with the root of the subtree of 2^shift leaves, unless size1 is that subtree.
  const seedIsRoot1 = s1 === 1n << BigInt(shift);
  const seed = seedIsRoot1 ? root1 : proof[0];
  const rest = seedIsRoot1 ? proof : proof.slice(1);
  if (rest.length !== inner + border) {
    const expected = inner + border + (seedIsRoot1 ? 0 : 1);
    return fail('merkle.wrong_proof_size', `consistency proof has ${proof.length} hashes, expected ${expected}`);
  }
  const innerHashes = rest.slice(0, inner);
  const borderHashes = rest.slice(inner);
  const mask = (s1 - 1n) >> BigInt(shift);
  const hash1 = chainBorderRight(chainInnerRight(seed, innerHashes, mask), borderHashes);
  const first = matchRoot(hash1, root1, 'root1');
  if (!first.ok) return first;
  const hash2 = chainBorderRight(chainInner(seed, innerHashes, mask), borderHashes);
  return matchRoot(hash2, root2, 'root2');
}

/** Splits an inclusion proof at the point where the paths to `index` and to `size - 1` diverge. */
function decomposeInclusionProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: onesCount(index >> BigInt(inner)) };
}

function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let hash = seed;
  proof.forEach((sibling, i) => {
    hash = ((index >> BigInt(i)) & 1n) === 0n ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
  });
  return hash;
}

/** Like chainInner but only with left siblings: the hash of the older, smaller version of the subtree. */
function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let hash = seed;
  proof.forEach((sibling, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) hash = hashChildren(sibling, hash);
  });
  return hash;
}

function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let hash = seed;
  for (const sibling of proof) hash = hashChildren(sibling, hash);
  return hash;
}

function matchRoot(computed: Uint8Array, expected: Uint8Array, what = 'root'): MerkleVerification {
  return Buffer.compare(computed, expected) === 0
    ? OK
    : fail(
        'merkle.root_mismatch',
        `computed ${what} ${Buffer.from(computed).toString('hex')} does not match ${Buffer.from(expected).toString('hex')}`,
      );
}

function checkHashLengths(hashes: readonly Uint8Array[]): Exclude<MerkleVerification, { ok: true }> | undefined {
  const bad = hashes.findIndex((h) => h.length !== MERKLE_HASH_BYTES);
  return bad < 0
    ? undefined
    : fail('merkle.bad_hash_length', `a hash is ${hashes[bad].length} bytes instead of ${MERKLE_HASH_BYTES}`);
}

function checkArguments(
  hashes: Record<string, unknown>,
  integers: Record<string, number>,
  proof: readonly unknown[],
): void {
  for (const [name, value] of Object.entries(hashes)) {
    if (!(value instanceof Uint8Array))
      throw new ProtocolError('merkle.invalid_argument', `${name} must be a Uint8Array`);
  }
  for (const [name, value] of Object.entries(integers)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ProtocolError(
        'merkle.invalid_argument',
        `${name} must be a non-negative safe integer, got ${String(value)}`,
      );
    }
  }
  if (!Array.isArray(proof) || !proof.every((h) => h instanceof Uint8Array)) {
    throw new ProtocolError('merkle.invalid_argument', 'proof must be an array of Uint8Array');
  }
}

function fail(code: MerkleFailureCode, reason: string): Exclude<MerkleVerification, { ok: true }> {
  return { ok: false, code, reason };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function onesCount(x: bigint): number {
  let count = 0;
  for (let v = x; v > 0n; v >>= 1n) count += Number(v & 1n);
  return count;
}

function trailingZeros(x: bigint): number {
  let count = 0;
  for (let v = x; (v & 1n) === 0n; v >>= 1n) count++;
  return count;
}
