import { cryptoRandom, RandomSource } from '@accord/protocol';
import { DataPlaneError, DataPlaneErrorCode } from '../errors/data-plane.errors';

export const SEGMENT_FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 24;
export const SEGMENT_TAG_BYTES = 16;
export const SEGMENT_NONCE_PREFIX_BYTES = 7;
export const DEFAULT_SEGMENT_SIZE = 65536;
/** Small sizes exist for tests and vectors; the gateway uses DEFAULT_SEGMENT_SIZE. */
export const MIN_SEGMENT_SIZE = 16;
/** Bounds the memory a reader needs: one segment is buffered to authenticate it. */
export const MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
/** The segment index is a u32 inside the nonce. */
export const MAX_SEGMENT_COUNT = 2 ** 32;

const MAGIC = Buffer.from('ACSG', 'ascii');
const OFFSET_VERSION = 4;
const OFFSET_SEGMENT_SIZE = 5;
const OFFSET_PLAINTEXT_SIZE = 9;
const OFFSET_NONCE_PREFIX = 17;

/**
 * The 24-byte header of a segmented ciphertext. It is also the AAD of every
 * segment, so changing any field makes every segment fail authentication.
 */
export interface SegmentHeader {
  readonly version: 1;
  readonly segmentSize: number;
  readonly plaintextSize: number;
  readonly noncePrefix: Uint8Array;
}

/** A header for a new object of `plaintextSize` bytes, with a fresh random nonce prefix. */
export function newSegmentHeader(
  plaintextSize: number,
  options: { segmentSize?: number; random?: RandomSource } = {},
): SegmentHeader {
  const random = options.random ?? cryptoRandom;
  const noncePrefix = random(SEGMENT_NONCE_PREFIX_BYTES);
  if (!(noncePrefix instanceof Uint8Array) || noncePrefix.length !== SEGMENT_NONCE_PREFIX_BYTES) {
    throw new DataPlaneError(
      'segment.invalid_argument',
      `random source must return ${SEGMENT_NONCE_PREFIX_BYTES} bytes for the nonce prefix`,
    );
  }
  const header: SegmentHeader = {
    version: SEGMENT_FORMAT_VERSION,
    segmentSize: options.segmentSize ?? DEFAULT_SEGMENT_SIZE,
    plaintextSize,
    noncePrefix: Uint8Array.from(noncePrefix),
  };
  assertValidHeader(header, 'segment.invalid_argument');
  return header;
}

export function encodeSegmentHeader(header: SegmentHeader): Uint8Array {
  assertValidHeader(header, 'segment.invalid_argument');
  const bytes = Buffer.alloc(SEGMENT_HEADER_BYTES);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt8(header.version, OFFSET_VERSION);
  bytes.writeUInt32BE(header.segmentSize, OFFSET_SEGMENT_SIZE);
  bytes.writeBigUInt64BE(BigInt(header.plaintextSize), OFFSET_PLAINTEXT_SIZE);
  bytes.set(header.noncePrefix, OFFSET_NONCE_PREFIX);
  return bytes;
}

/** Parses exactly SEGMENT_HEADER_BYTES bytes; anything malformed is `segment.header_invalid`. */
export function decodeSegmentHeader(bytes: Uint8Array): SegmentHeader {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SEGMENT_HEADER_BYTES) {
    throw new DataPlaneError('segment.header_invalid', `a segment header is exactly ${SEGMENT_HEADER_BYTES} bytes`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DataPlaneError('segment.header_invalid', 'the header does not start with the magic "ACSG"');
  }
  const version = buf.readUInt8(OFFSET_VERSION);
  if (version !== SEGMENT_FORMAT_VERSION) {
    throw new DataPlaneError('segment.header_invalid', `unsupported segment format version ${version}`, { version });
  }
  const plaintextSize = buf.readBigUInt64BE(OFFSET_PLAINTEXT_SIZE);
  if (plaintextSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DataPlaneError('segment.header_invalid', 'the plaintext size exceeds 2^53-1');
  }
  const header: SegmentHeader = {
    version: SEGMENT_FORMAT_VERSION,
    segmentSize: buf.readUInt32BE(OFFSET_SEGMENT_SIZE),
    plaintextSize: Number(plaintextSize),
    noncePrefix: Uint8Array.from(buf.subarray(OFFSET_NONCE_PREFIX)),
  };
  assertValidHeader(header, 'segment.header_invalid');
  return header;
}

/**
 * The limits every header obeys: a segment size within bounds, a safe
 * plaintext size, a segment count that fits the u32 nonce counter and a total
 * ciphertext size that is still a safe integer.
 */
function assertValidHeader(header: SegmentHeader, code: DataPlaneErrorCode): void {
  const fail = (reason: string): never => {
    throw new DataPlaneError(code, `invalid segment header: ${reason}`);
  };
  if (header === null || typeof header !== 'object') fail('not an object');
  if (header.version !== SEGMENT_FORMAT_VERSION) fail(`version must be ${SEGMENT_FORMAT_VERSION}`);
  const { segmentSize, plaintextSize, noncePrefix } = header;
  if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
    fail(`segment size must be an integer in ${MIN_SEGMENT_SIZE}..${MAX_SEGMENT_SIZE}, got ${String(segmentSize)}`);
  }
  if (!Number.isSafeInteger(plaintextSize) || plaintextSize < 0) {
    fail(`plaintext size must be a non-negative safe integer, got ${String(plaintextSize)}`);
  }
  if (!(noncePrefix instanceof Uint8Array) || noncePrefix.length !== SEGMENT_NONCE_PREFIX_BYTES) {
    fail(`nonce prefix must be ${SEGMENT_NONCE_PREFIX_BYTES} bytes`);
  }
  const count = Math.max(1, Math.ceil(plaintextSize / segmentSize));
  if (count > MAX_SEGMENT_COUNT) fail(`${count} segments exceed the limit of 2^32`);
  if (!Number.isSafeInteger(SEGMENT_HEADER_BYTES + plaintextSize + count * SEGMENT_TAG_BYTES)) {
    fail('the ciphertext size would exceed 2^53-1');
  }
}
