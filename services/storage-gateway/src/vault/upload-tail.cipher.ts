import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ObjectIntegrityError } from '../storage-gateway.errors';

/**
 * The plaintext of an upload's incomplete last segment, kept in the
 * database between two PATCH requests: AES-256-GCM under a key derived
 * from the object's data key (HKDF-SHA256, info `accord/v1/upload-tail`),
 * a random IV, the object id as additional data. Stored as iv ‖ ciphertext ‖ tag.
 */
const TAIL_INFO = Buffer.from('accord/v1/upload-tail', 'utf8');

/** Seals a tail (at most one segment of plaintext) for the database. */
export function sealTail(dataKey: Uint8Array, objectId: string, tail: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', tailKey(dataKey), iv);
  cipher.setAAD(Buffer.from(objectId, 'utf8'));
  return Buffer.concat([iv, cipher.update(tail), cipher.final(), cipher.getAuthTag()]);
}

/** The tail's plaintext; object_integrity_failed when the sealed bytes, the key or the object id do not match. */
export function openTail(dataKey: Uint8Array, objectId: string, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 12 + 16) throw new ObjectIntegrityError(`object ${objectId}: its sealed upload tail is too short`);
  const decipher = createDecipheriv('aes-256-gcm', tailKey(dataKey), bytes.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(objectId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    throw new ObjectIntegrityError(`object ${objectId}: its sealed upload tail does not open`);
  }
}

function tailKey(dataKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), TAIL_INFO, 32));
}
