import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { Buffer } from 'buffer';

/*
 * The one node:crypto function the protocol's Merkle tree
 * (libs/protocol/src/merkle/merkle-tree.ts) calls, `hash('sha256', data,
 * encoding)`, for the browser bundle. Any other algorithm is refused rather
 * than silently hashed with SHA-256.
 */
export function hash(algorithm: string, data: Uint8Array, outputEncoding: 'buffer' | 'hex' = 'hex'): Buffer | string {
  if (algorithm !== 'sha256') throw new Error(`hash(${algorithm}) is not available in the browser bundle`);
  const digest = sha256(data);
  return outputEncoding === 'buffer' ? Buffer.from(digest) : bytesToHex(digest);
}
