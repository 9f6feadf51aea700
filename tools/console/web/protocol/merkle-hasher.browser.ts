import { sha256 } from '@noble/hashes/sha2';

/*
 * Browser stand-in for libs/protocol/src/merkle/merkle.hasher.ts (same
 * exports): RFC 6962 §2.1 hashing over @noble/hashes.
 */

export const MERKLE_HASH_BYTES = 32;
const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

export function hashLeaf(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * MERKLE_HASH_BYTES);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + MERKLE_HASH_BYTES);
  return sha256(input);
}
