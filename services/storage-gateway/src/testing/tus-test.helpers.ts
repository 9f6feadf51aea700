import { waitFor } from '@accord/event-bus/testing';
import { Upload, type UploadOptions } from 'tus-js-client';
import type { ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import type { ObjectView } from '../objects/objects.dto';

type Gateway = ServiceUnderTest<StorageGatewayConfig>;

/** Upload-Metadata of a dataset version, as tus clients send it (base64 values). */
export function encodeMetadata(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

/** Bytes that differ everywhere (a pattern would hide a misplaced segment). */
export function testBytes(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

export interface TusRun {
  readonly url: string;
  /** Bytes the client sent in PATCHes (or creation bodies) that the server took. */
  readonly bytesSent: number;
  /** Headers of the last answer (the final PATCH: Accord-Object-Id, Accord-Anchor-Tx). */
  readonly lastHeaders: (name: string) => string | undefined;
}

/** Runs a tus-js-client upload to its end (or, with `stopAfterChunks`, aborts it after that many PATCHes). */
export function tusUpload(
  gateway: Gateway,
  data: Buffer,
  options: Partial<UploadOptions> & { readonly stopAfterChunks?: number },
): Promise<TusRun> {
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let chunks = 0;
    let lastHeaders: (name: string) => string | undefined = () => undefined;
    const { stopAfterChunks, ...tusOptions } = options;
    const upload: Upload = new Upload(data, {
      endpoint: `${gateway.url}/v1/uploads`,
      headers: { Authorization: `Bearer ${gateway.tokens.provider}` },
      retryDelays: null,
      storeFingerprintForResuming: false,
      ...tusOptions,
      onAfterResponse: (_req, res) => {
        lastHeaders = (name) => res.getHeader(name);
      },
      onChunkComplete: (chunkSize) => {
        bytesSent += chunkSize;
        chunks += 1;
        if (stopAfterChunks !== undefined && chunks === stopAfterChunks)
          void upload.abort().then(() => resolve({ url: upload.url as string, bytesSent, lastHeaders }));
      },
      onSuccess: () => resolve({ url: upload.url as string, bytesSent, lastHeaders }),
      onError: reject,
    });
    upload.start();
  });
}

/** Waits until the object is 'available' (its anchor committed and projected) and returns it. */
export function objectAvailable(gateway: Gateway, objectId: string): Promise<ObjectView> {
  return waitFor(`object ${objectId} to be available`, async () => {
    const res = await request(gateway.url)
      .get(`/v1/objects/${objectId}`)
      .set('Authorization', `Bearer ${gateway.tokens.user}`);
    return res.status === 200 && (res.body as ObjectView).status === 'available' ? (res.body as ObjectView) : undefined;
  });
}

/** GET /v1/objects/:id/content as raw bytes. */
export function content(gateway: Gateway, objectId: string, range?: string): request.Test {
  const req = request(gateway.url)
    .get(`/v1/objects/${objectId}/content`)
    .set('Authorization', `Bearer ${gateway.tokens.user}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return range === undefined ? req : req.set('Range', range);
}
