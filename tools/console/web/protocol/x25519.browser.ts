/* eslint-disable no-restricted-imports -- the browser bundle imports the protocol's modules one by one: its entry point also exports the key-wrap module, whose AES-GCM/HKDF node:crypto calls have no browser stand-in (docs/console.md) */
import { x25519 } from '@noble/curves/ed25519';
import { fromHex, toHex } from '@accord/protocol/src/encoding/hex.codec';
import { drawRandom, type RandomSource } from '@accord/protocol/src/crypto/random.port';
import { cryptoRandom } from './crypto-random.browser';

/*
 * Browser stand-in for libs/protocol/src/crypto/x25519.crypto.ts (same
 * exports). node:crypto's KeyObject does not exist in a browser: a key here
 * is the raw 32 bytes tagged private or public, which is all the exports'
 * callers in the bundle (member key parsing) need.
 */

export const X25519_KEY_BYTES = 32;

/** Hex keys as they appear in JSON: both are raw 32-byte RFC 7748 keys. */
export interface X25519KeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** The browser's counterpart of a node:crypto KeyObject holding an X25519 key. */
export interface X25519Key {
  readonly type: 'private' | 'public';
  readonly raw: Uint8Array;
}

export function generateX25519KeyPair(random: RandomSource = cryptoRandom): X25519KeyPair {
  const privateKey = toHex(drawRandom(random, X25519_KEY_BYTES));
  return { publicKey: x25519PublicKey(x25519PrivateKeyObject(privateKey)), privateKey };
}

export function x25519KeyPairFromPrivateKey(privateKeyHex: string): X25519KeyPair {
  return { publicKey: x25519PublicKey(x25519PrivateKeyObject(privateKeyHex)), privateKey: privateKeyHex };
}

export function x25519PrivateKeyObject(privateKeyHex: string): X25519Key {
  return { type: 'private', raw: fromHex(privateKeyHex, X25519_KEY_BYTES, 'X25519 private key') };
}

/** Any 32 bytes are an X25519 public key (RFC 7748 §5), as node:crypto's import accepts them. */
export function x25519PublicKeyObject(publicKeyHex: string): X25519Key {
  return { type: 'public', raw: fromHex(publicKeyHex, X25519_KEY_BYTES, 'X25519 public key') };
}

/** Raw public key (hex) of an X25519 private or public key. */
export function x25519PublicKey(key: X25519Key): string {
  return toHex(key.type === 'private' ? x25519.getPublicKey(key.raw) : key.raw);
}
