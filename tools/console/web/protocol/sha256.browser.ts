import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/*
 * Browser stand-in for libs/protocol/src/crypto/sha256.crypto.ts (same
 * exports): the console's bundle swaps it in for the node:crypto version, so
 * the protocol's own verifiers run unchanged in the browser.
 */

export const HASH_BYTES = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(nobleSha256(data));
}

/** 64 zero digits: the prevHash of the genesis block. */
export const ZERO_HASH_HEX = '0'.repeat(HASH_BYTES * 2);
