import { cryptoRandom, drawRandom, RandomSource, toHex } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';

/**
 * The framing of a chunked range answer: an RFC 9110 §14.6
 * multipart/byteranges body with one part per plaintext chunk, each part
 * carrying the chunk's RFC 6962 inclusion proof in an Accord-Chunk field.
 *
 *   --BOUNDARY CRLF
 *   Content-Type: application/octet-stream CRLF
 *   Content-Range: bytes <start>-<end>/<total> CRLF
 *   Accord-Chunk: index=<i>; count=<n>; proof=<hex>,<hex>,... CRLF
 *   CRLF
 *   <end - start + 1 bytes> CRLF
 *   ... more parts ...
 *   --BOUNDARY-- CRLF
 */

export const BYTERANGES_MEDIA_TYPE = 'multipart/byteranges';
export const CHUNK_PART_CONTENT_TYPE = 'application/octet-stream';
/** Chunks are at most 16 MiB; a part announcing more is refused before anything is buffered. */
export const MAX_CHUNK_PART_BYTES = 16 * 1024 * 1024;
/** The largest header block of a part (its field lines, without the blank line). */
export const MAX_PART_HEADER_BYTES = 16 * 1024;

const BOUNDARY_RANDOM_BYTES = 24;
// An RFC 6962 inclusion proof in a tree of fewer than 2^64 leaves has at most 64 hashes.
const MAX_PROOF_HASHES = 64;
// RFC 2046 §5.1.1: 1 to 70 bchars, the last one not a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const HASH_HEX = /^[0-9a-f]{64}$/;
const CONTENT_RANGE = /^bytes (0|[1-9][0-9]*)-(0|[1-9][0-9]*)\/(0|[1-9][0-9]*)$/;
const ACCORD_CHUNK = /^index=(0|[1-9][0-9]*); count=([1-9][0-9]*); proof=((?:[0-9a-f]{64})(?:,[0-9a-f]{64})*)?$/;
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const MEDIA_PARAMETER = new RegExp(`^[ \\t]*;[ \\t]*(?:(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?`);

/** What the framing says about one part; `proof` is the chunk's inclusion proof, hex hashes leaf-side first. */
export interface ChunkPartHead {
  /** First byte offset of the chunk in the object (inclusive). */
  readonly start: number;
  /** Last byte offset of the chunk in the object (inclusive, as in Content-Range). */
  readonly end: number;
  /** Size of the whole object in bytes. */
  readonly total: number;
  readonly index: number;
  readonly chunkCount: number;
  readonly proof: readonly string[];
}

/** The part head: delimiter, the three fields and the blank line; the chunk bytes and `chunkPartEnd()` follow. */
export function chunkPartHead(boundary: string, part: ChunkPartHead): Buffer {
  assertBoundary(boundary, 'byteranges.invalid_argument');
  assertPartHead(part);
  return Buffer.from(
    `--${boundary}\r\n` +
      `Content-Type: ${CHUNK_PART_CONTENT_TYPE}\r\n` +
      `Content-Range: ${formatContentRange(part)}\r\n` +
      `Accord-Chunk: ${formatAccordChunk(part)}\r\n\r\n`,
    'latin1',
  );
}

/** The CRLF that closes every part's bytes. */
export function chunkPartEnd(): Buffer {
  return Buffer.from('\r\n', 'latin1');
}

/** The close delimiter that ends the body. */
export function byterangesTrailer(boundary: string): Buffer {
  assertBoundary(boundary, 'byteranges.invalid_argument');
  return Buffer.from(`--${boundary}--\r\n`, 'latin1');
}

/** The Content-Type of the answer. */
export function byterangesContentType(boundary: string): string {
  assertBoundary(boundary, 'byteranges.invalid_argument');
  return `${BYTERANGES_MEDIA_TYPE}; boundary=${boundary}`;
}

/**
 * A fresh boundary: "accord-" and 24 random bytes in hex. The parser never
 * looks for it inside a part (it counts bytes), so this only has to be
 * valid and unlikely to confuse a generic multipart reader.
 */
export function newBoundary(random: RandomSource = cryptoRandom): string {
  return `accord-${toHex(drawRandom(random, BOUNDARY_RANDOM_BYTES))}`;
}

/**
 * The boundary parameter of a `multipart/byteranges` Content-Type (RFC
 * 9110 §8.3.1 parameters, token or quoted-string). Throws
 * `byteranges.malformed` for another media type, a missing, repeated or
 * invalid boundary.
 */
export function boundaryOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType !== BYTERANGES_MEDIA_TYPE)
    throw malformed(`content type "${mediaType}" is not ${BYTERANGES_MEDIA_TYPE}`);
  let rest = semicolon < 0 ? '' : contentType.slice(semicolon).trimEnd();
  let boundary: string | undefined;
  while (rest !== '') {
    const match = MEDIA_PARAMETER.exec(rest);
    if (match === null || match[0] === '') throw malformed('bad media type parameters');
    rest = rest.slice(match[0].length);
    const [, name, value] = match;
    if (name === undefined || name.toLowerCase() !== 'boundary') continue;
    if (boundary !== undefined) throw malformed('boundary given twice');
    boundary = (value as string).startsWith('"') ? (value as string).slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  if (boundary === undefined) throw malformed('the content type has no boundary');
  assertBoundary(boundary, 'byteranges.malformed');
  return boundary;
}

/** `bytes <start>-<end>/<total>` (RFC 9110 §14.4). */
export function formatContentRange(part: Pick<ChunkPartHead, 'start' | 'end' | 'total'>): string {
  return `bytes ${part.start}-${part.end}/${part.total}`;
}

/** `index=<i>; count=<n>; proof=<hex>,<hex>,...` (an empty proof leaves nothing after "proof="). */
export function formatAccordChunk(part: Pick<ChunkPartHead, 'index' | 'chunkCount' | 'proof'>): string {
  return `index=${part.index}; count=${part.chunkCount}; proof=${part.proof.join(',')}`;
}

/** Strict inverse of formatContentRange; undefined when the value is not exactly that form with start <= end < total. */
export function parseContentRange(value: string): Pick<ChunkPartHead, 'start' | 'end' | 'total'> | undefined {
  const match = CONTENT_RANGE.exec(value);
  if (match === null) return undefined;
  const [start, end, total] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (![start, end, total].every(Number.isSafeInteger) || start > end || end >= total) return undefined;
  return { start, end, total };
}

/** Strict inverse of formatAccordChunk; undefined when malformed or index >= count. */
export function parseAccordChunk(value: string): Pick<ChunkPartHead, 'index' | 'chunkCount' | 'proof'> | undefined {
  const match = ACCORD_CHUNK.exec(value);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const chunkCount = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(chunkCount) || index >= chunkCount) return undefined;
  return { index, chunkCount, proof: match[3] === undefined ? [] : match[3].split(',') };
}

function assertPartHead(part: ChunkPartHead): void {
  const { start, end, total, index, chunkCount, proof } = part;
  if (![start, end, total, index, chunkCount].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw invalidArgument('offsets, index and count must be non-negative integers');
  }
  if (start > end || end >= total) throw invalidArgument(`bad range ${start}-${end}/${total}`);
  if (end - start + 1 > MAX_CHUNK_PART_BYTES) throw invalidArgument('a part holds at most 16 MiB');
  if (index >= chunkCount) throw invalidArgument(`chunk index ${index} is not below the count ${chunkCount}`);
  if (proof.length > MAX_PROOF_HASHES) throw invalidArgument(`a proof has at most ${MAX_PROOF_HASHES} hashes`);
  if (!proof.every((hash) => HASH_HEX.test(hash))) throw invalidArgument('proof hashes must be 32-byte lowercase hex');
}

function assertBoundary(boundary: string, code: 'byteranges.malformed' | 'byteranges.invalid_argument'): void {
  if (!BOUNDARY.test(boundary))
    throw new DataPlaneError(code, 'a boundary is 1 to 70 RFC 2046 bchars, not ending in a space');
}

function invalidArgument(message: string): DataPlaneError {
  return new DataPlaneError('byteranges.invalid_argument', message);
}

function malformed(message: string): DataPlaneError {
  return new DataPlaneError('byteranges.malformed', message);
}
