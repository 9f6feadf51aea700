import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { fromHex, isHex, toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { KeyObjectCache } from './key-object.cache';
import { cryptoRandom } from './crypto-random';
import { drawRandom, RandomSource } from './random.port';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

// DER wrappers that turn raw RFC 8032 keys into PKCS#8 / SPKI, the forms node:crypto imports.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

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

const publicKeys = new KeyObjectCache(4096);

export function generateEd25519KeyPair(random: RandomSource = cryptoRandom): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(toHex(drawRandom(random, ED25519_SEED_BYTES)));
}

/**
 * The key pair of an RFC 8032 seed (32 bytes, hex): any 32 bytes are a valid
 * seed, so a seed made elsewhere (e.g. by a deployment tool) is a complete
 * private key. Throws `hex.invalid` or `hex.wrong_length` unless the seed is 64 lower-case hex digits.
 */
export function ed25519KeyPairFromSeed(seedHex: string): Ed25519KeyPair {
  return { publicKey: ed25519Signer(seedHex).publicKey, privateKey: seedHex };
}

export function ed25519Signer(privateKeyHex: string): Ed25519Signer {
  const seed = fromHex(privateKeyHex, ED25519_SEED_BYTES, 'Ed25519 private key');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = toHex(spki.subarray(SPKI_PREFIX.length));
  return {
    publicKey,
    sign: (message) => toHex(sign(null, message, key)),
  };
}

export function signEd25519(privateKeyHex: string, message: Uint8Array): string {
  return ed25519Signer(privateKeyHex).sign(message);
}

/**
 * Checks an Ed25519 signature. Never throws on bad data: a public key or
 * signature that is not lowercase hex of the right length, or a key that
 * cannot be imported, yields `false`.
 */
export function verifyEd25519(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  if (!isHex(publicKeyHex, ED25519_PUBLIC_KEY_BYTES) || !isHex(signatureHex, ED25519_SIGNATURE_BYTES)) return false;
  try {
    const key = publicKeys.get(publicKeyHex, importPublicKey);
    return verify(null, message, key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

/** Throws `key.invalid` unless the hex is an importable Ed25519 public key. */
export function assertEd25519PublicKey(publicKeyHex: string, what = 'Ed25519 public key'): void {
  fromHex(publicKeyHex, ED25519_PUBLIC_KEY_BYTES, what);
  try {
    publicKeys.get(publicKeyHex, importPublicKey);
  } catch {
    throw new ProtocolError('key.invalid', `${what} is not a valid Ed25519 public key`);
  }
}

function importPublicKey(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}
