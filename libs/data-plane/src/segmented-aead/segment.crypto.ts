import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DataPlaneError } from '../errors/data-plane.errors';
import { assertDataKey } from './data-key';
import {
  encodeSegmentHeader,
  SEGMENT_NONCE_PREFIX_BYTES,
  SEGMENT_TAG_BYTES,
  SegmentHeader,
} from './segment-header.codec';
import { segmentCount, segmentPlaintextSize } from './segment.layout';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;

/**
 * nonce_i = noncePrefix (7) ‖ i as u32 BE (4) ‖ lastFlag (1). The index
 * pins a segment to its position and the flag marks the end, so reordering
 * and truncation at a segment boundary fail authentication (the STREAM
 * construction of Hoang, Reyhanitabar, Rogaway and Vizár).
 */
export function segmentNonce(header: SegmentHeader, index: number): Uint8Array {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.set(header.noncePrefix, 0);
  nonce.writeUInt32BE(index, SEGMENT_NONCE_PREFIX_BYTES);
  nonce[NONCE_BYTES - 1] = index === segmentCount(header) - 1 ? 1 : 0;
  return nonce;
}

/** AES-256-GCM of one segment's plaintext with the header as AAD; returns ciphertext ‖ 16-byte tag. */
export function encryptSegment(
  key: Uint8Array,
  header: SegmentHeader,
  index: number,
  plaintext: Uint8Array,
): Uint8Array {
  assertDataKey(key);
  const expected = segmentPlaintextSize(header, index);
  if (!(plaintext instanceof Uint8Array) || plaintext.length !== expected) {
    throw new DataPlaneError(
      'segment.invalid_argument',
      `segment ${index} takes ${expected} plaintext bytes, got ${describeLength(plaintext)}`,
      { index },
    );
  }
  const cipher = createCipheriv(ALGORITHM, key, segmentNonce(header, index), { authTagLength: SEGMENT_TAG_BYTES });
  cipher.setAAD(encodeSegmentHeader(header));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Authenticates and decrypts one segment. Plaintext is returned only once
 * the tag has verified; a wrong key, header, position or any changed byte is
 * `segment.auth_failed`.
 */
export function decryptSegment(
  key: Uint8Array,
  header: SegmentHeader,
  index: number,
  ciphertext: Uint8Array,
): Uint8Array {
  assertDataKey(key);
  const expected = segmentPlaintextSize(header, index) + SEGMENT_TAG_BYTES;
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length !== expected) {
    throw new DataPlaneError(
      'segment.invalid_argument',
      `segment ${index} is ${expected} ciphertext bytes, got ${describeLength(ciphertext)}`,
      { index },
    );
  }
  const body = ciphertext.subarray(0, expected - SEGMENT_TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, segmentNonce(header, index), { authTagLength: SEGMENT_TAG_BYTES });
  decipher.setAAD(encodeSegmentHeader(header));
  decipher.setAuthTag(ciphertext.subarray(expected - SEGMENT_TAG_BYTES));
  const plaintext = decipher.update(body);
  try {
    decipher.final();
  } catch {
    throw new DataPlaneError('segment.auth_failed', `segment ${index} failed authentication`, { index });
  }
  return plaintext;
}

function describeLength(value: unknown): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : 'a non-Uint8Array value';
}
