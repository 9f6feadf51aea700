import {
  ChecksumAlgorithmUnsupportedError,
  ContentTypeInvalidError,
  TusVersionUnsupportedError,
  UploadLengthInvalidError,
  UploadMetadataInvalidError,
} from '../storage-gateway.errors';

/**
 * The tus 1.0.0 wire format (https://tus.io/protocols/resumable-upload):
 * header names, the extensions this gateway speaks, and the parsing of the
 * request headers into values or typed errors. Pure: no I/O, no clock.
 */
export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = ['creation', 'creation-with-upload', 'checksum', 'termination', 'expiration'] as const;
export const TUS_CHECKSUM_ALGORITHMS = ['sha256'] as const;
/** Largest Upload-Length accepted (1 TiB): far below the segment format's 2^32 segments of 64 KiB. */
export const TUS_MAX_SIZE = 2 ** 40;
/** The only body type of a PATCH (and of a creation with upload). */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** Headers every tus answer carries, errors included. */
export const TUS_RESUMABLE_HEADERS: Readonly<Record<string, string>> = { 'Tus-Resumable': TUS_VERSION };

/** What OPTIONS answers: the server's capabilities. */
export const TUS_CAPABILITY_HEADERS: Readonly<Record<string, string>> = {
  'Tus-Version': TUS_VERSION,
  'Tus-Extension': TUS_EXTENSIONS.join(','),
  'Tus-Checksum-Algorithm': TUS_CHECKSUM_ALGORITHMS.join(','),
  'Tus-Max-Size': String(TUS_MAX_SIZE),
};

/** A request header as Node gives it (a repeated header is an array). */
export type HeaderValue = string | readonly string[] | undefined;

/** A header's text (a repeated header joined with commas, as RFC 9110 reads it). */
export function headerText(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value.join(',') : (value as string | undefined);
}

/** Every request but OPTIONS must speak our version: 412 otherwise. */
export function assertTusResumable(value: HeaderValue): void {
  const sent = headerText(value);
  if (sent?.trim() !== TUS_VERSION) throw new TusVersionUnsupportedError(sent);
}

const NON_NEGATIVE_INTEGER = /^\d{1,16}$/;

/** Upload-Length of a creation: 1..TUS_MAX_SIZE. Upload-Defer-Length is not supported; an empty object neither. */
export function parseUploadLength(length: HeaderValue, deferLength: HeaderValue): number {
  if (headerText(deferLength) !== undefined)
    throw new UploadLengthInvalidError('Upload-Defer-Length is not supported: send Upload-Length');
  const text = headerText(length)?.trim();
  if (text === undefined) throw new UploadLengthInvalidError('Upload-Length is required');
  const value = NON_NEGATIVE_INTEGER.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= TUS_MAX_SIZE))
    throw new UploadLengthInvalidError(`Upload-Length must be an integer from 1 to ${TUS_MAX_SIZE}, not "${text}"`);
  return value;
}

/** Upload-Offset of a PATCH: a non-negative integer. */
export function parseUploadOffset(value: HeaderValue): number {
  const text = headerText(value)?.trim();
  if (text === undefined || !NON_NEGATIVE_INTEGER.test(text))
    throw new UploadLengthInvalidError(`Upload-Offset must be a non-negative integer, not "${text ?? ''}"`);
  return Number(text);
}

/** A request body's Content-Length, when it was given (a chunked body has none). */
export function parseContentLength(value: HeaderValue): number | undefined {
  const text = headerText(value)?.trim();
  if (text === undefined) return undefined;
  if (!NON_NEGATIVE_INTEGER.test(text))
    throw new UploadLengthInvalidError(`Content-Length "${text}" is not an integer`);
  return Number(text);
}

/** Does the request carry an upload body? Only `application/offset+octet-stream` is one (parameters aside). */
export function isOffsetOctetStream(contentType: HeaderValue): boolean {
  return headerText(contentType)?.split(';')[0]?.trim().toLowerCase() === OFFSET_OCTET_STREAM;
}

/** A PATCH must carry an upload body: 415 otherwise. */
export function assertOffsetOctetStream(contentType: HeaderValue): void {
  if (!isOffsetOctetStream(contentType)) throw new ContentTypeInvalidError(headerText(contentType));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Upload-Metadata: comma-separated `key base64value` pairs (the value may
 * be left out); keys are unique ASCII without spaces or commas.
 */
export function parseUploadMetadata(value: HeaderValue): Record<string, string> {
  const text = headerText(value);
  const pairs: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return pairs;
  for (const item of text.split(',')) {
    const [key, encoded, ...rest] = item.trim().split(' ');
    if (key === undefined || key === '' || rest.length > 0 || !/^[\x21-\x7e]+$/.test(key))
      throw new UploadMetadataInvalidError(`Upload-Metadata: "${item.trim()}" is not "key base64value"`);
    if (Object.hasOwn(pairs, key)) throw new UploadMetadataInvalidError(`Upload-Metadata: key ${key} is given twice`);
    if (encoded !== undefined && !BASE64.test(encoded))
      throw new UploadMetadataInvalidError(`Upload-Metadata: the value of ${key} is not base64`);
    pairs[key] = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  }
  return pairs;
}

/** The expected SHA-256 of a PATCH body (`Upload-Checksum: sha256 <base64>`), undefined without the header. */
export function parseUploadChecksum(value: HeaderValue): Buffer | undefined {
  const text = headerText(value)?.trim();
  if (text === undefined) return undefined;
  const [algorithm, encoded, ...rest] = text.split(' ');
  if (algorithm?.toLowerCase() !== 'sha256')
    throw new ChecksumAlgorithmUnsupportedError(
      `Upload-Checksum algorithm ${algorithm ?? ''} is not supported: use sha256`,
    );
  if (encoded === undefined || rest.length > 0 || !BASE64.test(encoded) || Buffer.from(encoded, 'base64').length !== 32)
    throw new ChecksumAlgorithmUnsupportedError('Upload-Checksum must be "sha256 <base64 of 32 bytes>"');
  return Buffer.from(encoded, 'base64');
}

/** Upload-Expires: an RFC 9110 HTTP date. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
