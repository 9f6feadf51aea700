import { hash } from 'node:crypto';

export const HASH_BYTES = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer');
}

export function sha256Hex(data: Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** 64 zero digits: the prevHash of the genesis block. */
export const ZERO_HASH_HEX = '0'.repeat(HASH_BYTES * 2);
