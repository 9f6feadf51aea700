import { createCipheriv, createDecipheriv, diffieHellman, hkdfSync, KeyObject } from 'node:crypto';
import { z } from 'zod';
import { fromHex, toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalBytes } from '../json/canonical-json.codec';
import { isPlainObject, JsonObject } from '../json/json.types';
import { hexSchema, parseWithSchema } from '../schema/protocol.schema';
import { cryptoRandom } from './crypto-random';
import { drawRandom, RandomSource } from './random.port';
import { x25519PrivateKeyObject, x25519PublicKey, x25519PublicKeyObject, X25519_KEY_BYTES } from './x25519.crypto';

export const DATA_KEY_BYTES = 32;
export const KEY_WRAP_ALG = 'X25519-HKDF-SHA256-A256GCM';

const HKDF_INFO = Buffer.from('accord/v1/key-wrap', 'utf8');
const AES_KEY_BYTES = 32;
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/**
 * A data key wrapped to one recipient's X25519 key (ECIES-style): an ephemeral
 * X25519 key agreement, HKDF-SHA256 over the shared secret (salted with both
 * public keys) derives a single-use AES-256-GCM key and IV, and the caller's
 * context (e.g. channel and dataset id) is the GCM additional data, so a
 * wrapped key cannot be replayed under another context.
 */
export interface WrappedKey {
  readonly v: 1;
  readonly alg: typeof KEY_WRAP_ALG;
  /** Ephemeral X25519 public key. */
  readonly epk: string;
  /** Encrypted data key. */
  readonly ct: string;
  /** GCM authentication tag. */
  readonly tag: string;
}

export const wrappedKeySchema = z.strictObject({
  v: z.literal(1),
  alg: z.literal(KEY_WRAP_ALG),
  epk: hexSchema(X25519_KEY_BYTES),
  ct: hexSchema(DATA_KEY_BYTES),
  tag: hexSchema(GCM_TAG_BYTES),
});

export function wrapDataKey(
  dataKey: Uint8Array,
  recipientPublicKeyHex: string,
  context: JsonObject,
  random: RandomSource = cryptoRandom,
): WrappedKey {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== DATA_KEY_BYTES) {
    throw new ProtocolError('wrap.invalid', `data key must be ${DATA_KEY_BYTES} bytes`);
  }
  const aad = contextBytes(context);
  const recipient = x25519PublicKeyObject(recipientPublicKeyHex);
  const ephemeral = x25519PrivateKeyObject(toHex(drawRandom(random, X25519_KEY_BYTES)));
  const epk = x25519PublicKey(ephemeral);
  const { key, iv } = deriveKeyAndIv(ephemeral, recipient, epk, recipientPublicKeyHex);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { v: 1, alg: KEY_WRAP_ALG, epk, ct: toHex(ct), tag: toHex(cipher.getAuthTag()) };
}

/**
 * Recovers the data key. A wrapped key of the wrong shape throws
 * `wrap.invalid`; a wrong private key, another context or any tampering throws
 * `wrap.unwrap_failed`.
 */
export function unwrapDataKey(wrapped: unknown, recipientPrivateKeyHex: string, context: JsonObject): Uint8Array {
  const parsed = parseWithSchema(wrappedKeySchema, wrapped, 'wrap.invalid', 'wrapped key');
  const aad = contextBytes(context);
  const recipient = x25519PrivateKeyObject(recipientPrivateKeyHex);
  const ephemeral = x25519PublicKeyObject(parsed.epk);
  const { key, iv } = deriveKeyAndIv(recipient, ephemeral, parsed.epk, x25519PublicKey(recipient));
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(fromHex(parsed.tag, GCM_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(fromHex(parsed.ct, DATA_KEY_BYTES)), decipher.final()]);
  } catch {
    throw new ProtocolError(
      'wrap.unwrap_failed',
      'wrapped key does not open with this private key and context (wrong key, wrong context or tampered)',
    );
  }
}

function contextBytes(context: JsonObject): Uint8Array {
  if (!isPlainObject(context)) throw new ProtocolError('wrap.invalid', 'key-wrap context must be a JSON object');
  return canonicalBytes(context);
}

function deriveKeyAndIv(
  privateKey: KeyObject,
  publicKey: KeyObject,
  epkHex: string,
  recipientHex: string,
): { key: Buffer; iv: Buffer } {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    throw new ProtocolError('key.invalid', 'X25519 key agreement failed (low-order public key?)');
  }
  // RFC 7748 §6.1: an all-zero shared secret means a low-order point was supplied.
  if (shared.every((b) => b === 0)) {
    throw new ProtocolError('key.invalid', 'X25519 key agreement produced the all-zero secret (low-order public key)');
  }
  const salt = Buffer.concat([Buffer.from(epkHex, 'hex'), Buffer.from(recipientHex, 'hex')]);
  const okm = Buffer.from(hkdfSync('sha256', shared, salt, HKDF_INFO, AES_KEY_BYTES + GCM_IV_BYTES));
  return { key: okm.subarray(0, AES_KEY_BYTES), iv: okm.subarray(AES_KEY_BYTES) };
}
