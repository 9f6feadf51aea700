import { hash } from 'node:crypto';

/** RFC 6962 §2.1 hashing: leaves and interior nodes get distinct one-byte prefixes. */
export const MERKLE_HASH_BYTES = 32;
const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = hash('sha256', Buffer.alloc(0), 'buffer');

export function hashLeaf(data: Uint8Array): Uint8Array {
  const buf = Buffer.allocUnsafe(1 + data.length);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return hash('sha256', buf, 'buffer');
}

// One scratch buffer for node hashing: hashChildren runs millions of times
// per large tree and is synchronous, so sharing it is safe and saves allocations.
const nodeInput = Buffer.alloc(1 + 2 * MERKLE_HASH_BYTES);
nodeInput[0] = NODE_PREFIX;

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + MERKLE_HASH_BYTES);
  return hash('sha256', nodeInput, 'buffer');
}
