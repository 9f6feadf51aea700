import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { fromHex, toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { KeyObjectCache } from './key-object.cache';
import { cryptoRandom } from './crypto-random';
import { drawRandom, RandomSource } from './random.port';

export const X25519_KEY_BYTES = 32;

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** Hex keys as they appear in JSON: both are raw 32-byte RFC 7748 keys. */
export interface X25519KeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

const publicKeys = new KeyObjectCache(4096);

export function generateX25519KeyPair(random: RandomSource = cryptoRandom): X25519KeyPair {
  return x25519KeyPairFromPrivateKey(toHex(drawRandom(random, X25519_KEY_BYTES)));
}

/**
 * The key pair of a raw RFC 7748 private key (32 bytes, hex): any 32 bytes
 * are a valid private key (clamped when used), so one made elsewhere is
 * complete. Throws `hex.invalid` or `hex.wrong_length` unless it is 64 lower-case hex digits.
 */
export function x25519KeyPairFromPrivateKey(privateKeyHex: string): X25519KeyPair {
  return { publicKey: x25519PublicKey(x25519PrivateKeyObject(privateKeyHex)), privateKey: privateKeyHex };
}

export function x25519PrivateKeyObject(privateKeyHex: string): KeyObject {
  const raw = fromHex(privateKeyHex, X25519_KEY_BYTES, 'X25519 private key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicKeyObject(publicKeyHex: string): KeyObject {
  fromHex(publicKeyHex, X25519_KEY_BYTES, 'X25519 public key');
  try {
    return publicKeys.get(publicKeyHex, (hex) =>
      createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' }),
    );
  } catch {
    throw new ProtocolError('key.invalid', 'X25519 public key cannot be imported');
  }
}

/** Raw public key (hex) of a KeyObject holding an X25519 private or public key. */
export function x25519PublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return toHex(publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}
