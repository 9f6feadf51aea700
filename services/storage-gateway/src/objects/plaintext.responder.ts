import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { contentRange, requestedRange } from '../vault/byte-range';
import type { ObjectVault, StoredObject } from '../vault/object-vault';

export interface SendPlaintextOptions {
  /** Called with every plaintext chunk's size as it is sent (metrics). */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Answers an object's plaintext, whole (200) or one range of it (206 with
 * Content-Range; 416 range_not_satisfiable with `Content-Range: bytes
 * * /size` before anything is sent), streamed from the vault with
 * backpressure. The caller decided the object may be served. Errors before
 * the first byte (range, erased key, missing header) reject before any
 * header is sent, so they become a clean error answer; a failure mid-way
 * (a segment whose tag fails) rejects after the headers, and the kit's
 * filter then cuts the connection, so a client never takes a truncated
 * body for a whole one.
 */
export async function sendPlaintext(
  res: ServerResponse,
  vault: ObjectVault,
  object: StoredObject,
  rangeHeader: string | undefined,
  options: SendPlaintextOptions = {},
): Promise<void> {
  const range = requestedRange(rangeHeader, object.sizeBytes);
  const served = range ?? { start: 0, end: object.sizeBytes - 1 };
  const body = await vault.readRange(object, served);
  res.statusCode = range === undefined ? 200 : 206;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', object.mediaType);
  res.setHeader('Content-Length', String(served.end - served.start + 1));
  if (object.sha256 !== null) res.setHeader('ETag', `"sha256:${object.sha256}"`);
  if (range !== undefined) res.setHeader('Content-Range', contentRange(range, object.sizeBytes));
  const onBytes = options.onBytes;
  await pipeline(
    body,
    async function* count(source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        onBytes?.(chunk.length);
        yield chunk;
      }
    },
    res,
  );
}
