/* eslint-disable no-restricted-imports -- the browser bundle imports the protocol's modules one by one: its entry point also exports the key-wrap module, whose AES-GCM/HKDF node:crypto calls have no browser stand-in (docs/console.md) */
import { ed25519 } from '@noble/curves/ed25519';
import { fromHex, isHex, toHex } from '@accord/protocol/src/encoding/hex.codec';
import { ProtocolError } from '@accord/protocol/src/errors/protocol.errors';
import { drawRandom, type RandomSource } from '@accord/protocol/src/crypto/random.port';
import { cryptoRandom } from './crypto-random.browser';

/*
 * Browser stand-in for libs/protocol/src/crypto/ed25519.crypto.ts (same
 * exports), over @noble/curves (pure JS, synchronous like node:crypto).
 * Verification is strict RFC 8032 (zip215: false), as OpenSSL's is, so both
 * accept exactly the same signatures.
 */

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** Hex keys as they appear in JSON: the private key is the 32-byte RFC 8032 seed. */
export interface Ed25519KeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** A signing key parsed once; `sign` returns the signature as hex. */
export interface Ed25519Signer {
  readonly publicKey: string;
  sign(message: Uint8Array): string;
}

export function generateEd25519KeyPair(random: RandomSource = cryptoRandom): Ed25519KeyPair {
  const seed = toHex(drawRandom(random, ED25519_SEED_BYTES));
  return { publicKey: ed25519Signer(seed).publicKey, privateKey: seed };
}

export function ed25519KeyPairFromSeed(seedHex: string): Ed25519KeyPair {
  return { publicKey: ed25519Signer(seedHex).publicKey, privateKey: seedHex };
}

export function ed25519Signer(privateKeyHex: string): Ed25519Signer {
  const seed = fromHex(privateKeyHex, ED25519_SEED_BYTES, 'Ed25519 private key');
  return {
    publicKey: toHex(ed25519.getPublicKey(seed)),
    sign: (message) => toHex(ed25519.sign(message, seed)),
  };
}

export function signEd25519(privateKeyHex: string, message: Uint8Array): string {
  return ed25519Signer(privateKeyHex).sign(message);
}

/** Checks an Ed25519 signature; never throws on bad data (malformed hex or key yields `false`). */
export function verifyEd25519(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  if (!isHex(publicKeyHex, ED25519_PUBLIC_KEY_BYTES) || !isHex(signatureHex, ED25519_SIGNATURE_BYTES)) return false;
  try {
    return ed25519.verify(fromHex(signatureHex), message, fromHex(publicKeyHex), { zip215: false });
  } catch {
    return false;
  }
}

/** Throws `key.invalid` unless the hex is a valid Ed25519 public key (a point on the curve). */
export function assertEd25519PublicKey(publicKeyHex: string, what = 'Ed25519 public key'): void {
  fromHex(publicKeyHex, ED25519_PUBLIC_KEY_BYTES, what);
  try {
    ed25519.ExtendedPoint.fromHex(publicKeyHex);
  } catch {
    throw new ProtocolError('key.invalid', `${what} is not a valid Ed25519 public key`);
  }
}
