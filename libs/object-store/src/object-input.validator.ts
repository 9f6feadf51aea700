import {
  InvalidObjectKeyError,
  InvalidObjectMetadataError,
  InvalidRangeError,
  ObjectSizeMismatchError,
} from './object-store.errors';
import type { ByteRange } from './object-store.port';

// One rule set for every adapter, so a key valid in embedded mode is valid in
// cluster mode too. Stricter than S3 on purpose: the local adapter maps
// segments to directory names and reserves names starting with '.'.
const SEGMENT = /^[A-Za-z0-9_~=-][A-Za-z0-9._~=-]{0,254}$/;
const PARTIAL_SEGMENT = /^[A-Za-z0-9._~=-]{0,255}$/;
const MAX_KEY_LENGTH = 1024;
const META_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
const META_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]{0,1022}[\x21-\x7e])?)?$/;
const MAX_METADATA_BYTES = 2048;
/**
 * Names S3 clients treat as standard headers rather than user metadata
 * (minio-js strips the x-amz-meta- prefix on read and mixes them in).
 */
export function isReservedMetadataKey(key: string): boolean {
  return (
    key.startsWith('content-') ||
    key.startsWith('x-amz-') ||
    key === 'cache-control' ||
    key === 'expires' ||
    key === 'if-match' ||
    key === 'if-none-match'
  );
}

export function validateObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidObjectKeyError('object key must be a non-empty string');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidObjectKeyError(`object key is longer than ${MAX_KEY_LENGTH} characters`);
  }
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidObjectKeyError(
        `invalid object key ${JSON.stringify(key)}: segments must be 1-255 of A-Z a-z 0-9 - _ . ~ =, ` +
          `not start with '.', and be joined by single '/'`,
      );
    }
  }
  return key;
}

/** A list prefix: complete segments, then an optional partial one (may be empty or end in '/'). */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string' || prefix.length > MAX_KEY_LENGTH) {
    throw new InvalidObjectKeyError('prefix must be a string of at most 1024 characters');
  }
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  const partial = segments.pop() as string;
  if (!segments.every((s) => SEGMENT.test(s)) || !PARTIAL_SEGMENT.test(partial)) {
    throw new InvalidObjectKeyError(`invalid prefix ${JSON.stringify(prefix)}: it must be the start of a valid key`);
  }
  return prefix;
}

export function validateMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new InvalidObjectMetadataError('metadata must be an object of strings');
  }
  let bytes = 0;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (!META_KEY.test(k) || isReservedMetadataKey(k)) {
      throw new InvalidObjectMetadataError(
        `metadata key ${JSON.stringify(k)} must match [a-z0-9][a-z0-9-]{0,63} and not be a standard HTTP header, content-* or x-amz-*`,
      );
    }
    if (typeof v !== 'string' || !META_VALUE.test(v)) {
      throw new InvalidObjectMetadataError(
        `metadata value of ${JSON.stringify(k)} must be printable ASCII without leading or trailing spaces`,
      );
    }
    bytes += k.length + v.length;
    out[k] = v;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new InvalidObjectMetadataError(`metadata is ${bytes} bytes; at most ${MAX_METADATA_BYTES} are allowed`);
  }
  return out;
}

export function validateAnnouncedSize(size: number | undefined): void {
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new ObjectSizeMismatchError(`announced size must be a non-negative safe integer, got ${String(size)}`);
  }
}

/** Shape check of a range, before the object size is known. */
export function validateRange(range: ByteRange): void {
  const { start, end } = range ?? ({} as ByteRange);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidRangeError(`byte range must satisfy 0 <= start <= end (integers), got ${JSON.stringify(range)}`);
  }
}

/** Clamps a valid range to an object of `size` bytes; a range starting at or past the end is unsatisfiable. */
export function clampRange(range: ByteRange, size: number, key: string): ByteRange {
  if (range.start >= size) {
    throw new InvalidRangeError(`range starts at ${range.start} but "${key}" has ${size} bytes`);
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}
