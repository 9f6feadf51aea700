/**
 * The baseline of the storage gateway benchmark: the raw `minio` client
 * putting and getting the same bytes in the same MinIO, with no
 * encryption, hashing or bookkeeping. Also removes the bench's buckets.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'minio';
import type { Keystream } from './gateway-random-bytes';

export class RawMinio {
  private readonly client: Client;

  constructor(settings: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string }) {
    const url = new URL(settings.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      useSSL: url.protocol === 'https:',
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
    });
  }

  async makeBucket(bucket: string): Promise<void> {
    if (!(await this.client.bucketExists(bucket))) await this.client.makeBucket(bucket);
  }

  /** putObject of `size` bytes streamed from `bytes`; milliseconds. */
  async put(bucket: string, key: string, size: number, bytes: Keystream): Promise<number> {
    const start = performance.now();
    await this.client.putObject(bucket, key, bytes.stream(size), size);
    return performance.now() - start;
  }

  /** getObject (a byte range when given), drained; the bytes and milliseconds. */
  async get(
    bucket: string,
    key: string,
    range?: { start: number; length: number },
  ): Promise<{ bytes: number; ms: number }> {
    const start = performance.now();
    const body =
      range === undefined
        ? await this.client.getObject(bucket, key)
        : await this.client.getPartialObject(bucket, key, range.start, range.length);
    let bytes = 0;
    for await (const chunk of body) bytes += (chunk as Buffer).length;
    return { bytes, ms: performance.now() - start };
  }

  /** Total bytes stored under the bucket (what the gateway wrote: header, segments and tags). */
  async storedBytes(bucket: string): Promise<number> {
    let total = 0;
    for await (const item of this.client.listObjectsV2(bucket, '', true) as AsyncIterable<{ size?: number }>)
      total += item.size ?? 0;
    return total;
  }

  /** Removes the bucket and everything in it (missing buckets are fine). */
  async removeBucket(bucket: string): Promise<void> {
    if (!(await this.client.bucketExists(bucket))) return;
    const names: string[] = [];
    for await (const item of this.client.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string }>)
      if (item.name !== undefined) names.push(item.name);
    for (let i = 0; i < names.length; i += 1000) await this.client.removeObjects(bucket, names.slice(i, i + 1000));
    await this.client.removeBucket(bucket);
  }
}
