import { createCipheriv, createDecipheriv } from 'node:crypto';
import { canonicalBytes, DATA_KEY_BYTES, drawRandom, type RandomSource } from '@accord/protocol';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a strong-mode record belongs: its ciphertext is bound to these (the GCM additional data). */
export interface RecordPlace {
  readonly channel: string;
  readonly dataset: string;
  readonly record: string;
}

/** A record's encrypted form as the strong.record payload carries it. */
export interface SealedRecord {
  /** 12-byte IV, hex. */
  readonly iv: string;
  /** Base64 (padded) of the ciphertext followed by the 16-byte tag. */
  readonly ciphertext: string;
}

/** The additional data of a record's AES-256-GCM encryption: JCS of {channel, dataset, record}. */
export function recordAad(place: RecordPlace): Uint8Array {
  return canonicalBytes({ channel: place.channel, dataset: place.dataset, record: place.record });
}

/** A fresh random data key for one record. */
export function newRecordKey(random: RandomSource): Uint8Array {
  return drawRandom(random, DATA_KEY_BYTES);
}

/**
 * Encrypts a strong-mode record (docs/storage-gateway-strong-mode.md
 * "Record format"): AES-256-GCM under the record's own data key, a random
 * 96-bit IV, the place as additional data, so a ciphertext cannot be
 * passed off as another record.
 */
export function sealRecord(
  dataKey: Uint8Array,
  place: RecordPlace,
  plaintext: Uint8Array,
  random: RandomSource,
): SealedRecord {
  const iv = drawRandom(random, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(recordAad(place));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv: Buffer.from(iv).toString('hex'), ciphertext: sealed.toString('base64') };
}

/** The record's plaintext, or undefined when the key, the place or any byte does not match. */
export function openRecord(dataKey: Uint8Array, place: RecordPlace, sealed: SealedRecord): Buffer | undefined {
  const bytes = Buffer.from(sealed.ciphertext, 'base64');
  const iv = Buffer.from(sealed.iv, 'hex');
  if (bytes.length < TAG_BYTES || iv.length !== IV_BYTES || dataKey.length !== DATA_KEY_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(recordAad(place));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
