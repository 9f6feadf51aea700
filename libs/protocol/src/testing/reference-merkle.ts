import { createHash } from 'node:crypto';

// A deliberately simple RFC 6962 / RFC 9162 implementation to cross-check the
// optimised one: recursive definitions straight from the RFC, fresh hashing
// with createHash, BigInt bit arithmetic, no caching.

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const refLeafHash = (data: Uint8Array): Buffer => sha(Buffer.from([0]), data);
export const refNodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha(Buffer.from([1]), left, right);

const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[n]) over leaf hashes. */
export function refRoot(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return sha();
  if (leafHashes.length === 1) return Buffer.from(leafHashes[0]);
  const k = split(leafHashes.length);
  return refNodeHash(refRoot(leafHashes.slice(0, k)), refRoot(leafHashes.slice(k)));
}

/** PATH(m, D[n]). */
export function refInclusionProof(m: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  const n = leafHashes.length;
  if (n <= 1) return [];
  const k = split(n);
  return m < k
    ? [...refInclusionProof(m, leafHashes.slice(0, k)), refRoot(leafHashes.slice(k))]
    : [...refInclusionProof(m - k, leafHashes.slice(k)), refRoot(leafHashes.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function refConsistencyProof(m: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  const subproof = (mm: number, d: readonly Uint8Array[], complete: boolean): Buffer[] => {
    const n = d.length;
    if (mm === n) return complete ? [] : [refRoot(d)];
    const k = split(n);
    return mm <= k
      ? [...subproof(mm, d.slice(0, k), complete), refRoot(d.slice(k))]
      : [...subproof(mm - k, d.slice(k), false), refRoot(d.slice(0, k))];
  };
  return subproof(m, leafHashes, true);
}

const lsb = (x: bigint): boolean => (x & 1n) === 1n;
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** RFC 9162 §2.1.3.2, step by step. */
export function refVerifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = refNodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = refNodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && same(r, root);
}

/** RFC 9162 §2.1.4.2, step by step (with the equal-sizes case of §2.1.4.1). */
export function refVerifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (size1 === size2) return proof.length === 0 && same(root1, root2);
  if (size1 === 0 || size1 > size2 || proof.length === 0) return false;
  const path = [...proof];
  const first = BigInt(size1);
  if ((first & (first - 1n)) === 0n) path.unshift(root1);
  let fn = first - 1n;
  let sn = BigInt(size2) - 1n;
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = refNodeHash(c, fr);
      sr = refNodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = refNodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return same(fr, root1) && same(sr, root2) && sn === 0n;
}
