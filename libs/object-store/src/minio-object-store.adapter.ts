import type { Readable } from 'node:stream';
import { Client, S3Error } from 'minio';
import {
  isReservedMetadataKey,
  validateAnnouncedSize,
  validateMetadata,
  validateObjectKey,
  validatePrefix,
  validateRange,
} from './object-input.validator';
import {
  BucketNotFoundError,
  InvalidObjectStoreConfigError,
  InvalidRangeError,
  ObjectKeyConflictError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectStoreError,
  ObjectStoreUnavailableError,
} from './object-store.errors';
import type { ByteRange, ObjectInfo, ObjectStore, PutOptions } from './object-store.port';

export interface MinioObjectStoreConfig {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  /** Default 'us-east-1' (MinIO's default region). */
  readonly region?: string;
  /**
   * Multipart part size (default 8 MiB, S3 minimum 5 MiB). Memory per upload
   * is about one part; the largest object is 10 000 parts.
   */
  readonly partSizeBytes?: number;
  /** Timeout of the health probe (default 2000 ms). */
  readonly healthTimeoutMs?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_IDLE_PARTS = 4;
const META_HEADER = 'x-amz-meta-';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Cluster-mode object store on MinIO (any S3 API). Uploads run their own
 * multipart loop with one reusable part buffer: minio-js's putObject would
 * buffer a whole object of up to 64 MiB, and cannot abort a failed stream.
 */
export class MinioObjectStore implements ObjectStore {
  private readonly client: Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly partSize: number;
  /** Part buffers of finished uploads, for the next ones (at most MAX_IDLE_PARTS kept). */
  private readonly idleParts: Buffer[] = [];
  private readonly healthTimeoutMs: number;

  constructor(config: MinioObjectStoreConfig) {
    const problems: string[] = [];
    if (typeof config?.endPoint !== 'string' || config.endPoint.length === 0) problems.push('endPoint is required');
    if (!Number.isInteger(config?.port) || config.port < 1 || config.port > 65535)
      problems.push('port must be 1-65535');
    if (typeof config?.useSSL !== 'boolean') problems.push('useSSL must be a boolean');
    if (typeof config?.accessKey !== 'string' || config.accessKey.length === 0) problems.push('accessKey is required');
    if (typeof config?.secretKey !== 'string' || config.secretKey.length === 0) problems.push('secretKey is required');
    if (typeof config?.bucket !== 'string' || !BUCKET_NAME.test(config.bucket) || config.bucket.includes('..')) {
      problems.push('bucket must be an S3 bucket name (3-63 of a-z 0-9 . -)');
    }
    const partSize = config?.partSizeBytes ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE)
      problems.push(`partSizeBytes must be at least ${MIN_PART_SIZE}`);
    if (problems.length > 0) throw new InvalidObjectStoreConfigError(`invalid MinIO config: ${problems.join('; ')}`);

    this.bucket = config.bucket;
    this.region = config.region ?? 'us-east-1';
    this.partSize = partSize;
    this.healthTimeoutMs = config.healthTimeoutMs ?? 2000;
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: this.region,
    });
  }

  async ensureBucket(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.region);
    } catch (err) {
      // Another instance created it between the check and the create.
      if (s3Code(err) === 'BucketAlreadyOwnedByYou') return;
      throw this.mapError(err, undefined);
    }
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    validateObjectKey(key);
    const metadata = validateMetadata(options.metadata);
    validateAnnouncedSize(options.size);
    try {
      await this.assertNoKeyConflict(key);
    } catch (err) {
      body.destroy();
      throw this.mapError(err, undefined);
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    for (const [k, v] of Object.entries(metadata)) headers[`${META_HEADER}${k}`] = v;

    // One part buffer per upload, no bigger than the announced size needs, taken from the
    // idle ones: a steady stream of uploads reuses a few buffers instead of leaving one per
    // upload to the garbage collector.
    const buffer = this.idleParts.pop() ?? Buffer.allocUnsafe(this.partSize);
    const part = buffer.subarray(0, Math.min(this.partSize, options.size ?? this.partSize));
    let filled = 0;
    let size = 0;
    let uploadId: string | undefined;
    const etags: { part: number; etag: string }[] = [];
    const flushPart = async (): Promise<void> => {
      if (etags.length >= MAX_PARTS) {
        throw new ObjectSizeMismatchError(`"${key}" exceeds ${MAX_PARTS} parts of ${this.partSize} bytes`);
      }
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      const partNumber = etags.length + 1;
      const res = await this.client.uploadPart(
        { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
        part.subarray(0, filled),
      );
      etags.push({ part: partNumber, etag: res.etag });
      filled = 0;
    };

    // Errors of the caller's body stream are rethrown as they are, not as store errors.
    let bodyError: unknown;
    const source = (body as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<Buffer | string>;
        try {
          next = await source.next();
        } catch (err) {
          bodyError = err;
          throw err;
        }
        if (next.done) break;
        const bytes = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        size += bytes.length;
        if (options.size !== undefined && size > options.size) {
          throw new ObjectSizeMismatchError(`body of "${key}" is longer than the announced ${options.size} bytes`);
        }
        let offset = 0;
        while (offset < bytes.length) {
          const n = Math.min(bytes.length - offset, part.length - filled);
          bytes.copy(part, filled, offset, offset + n);
          filled += n;
          offset += n;
          if (filled === this.partSize) await flushPart(); // a smaller buffer (announced size) never fills past the size check
        }
      }
      if (options.size !== undefined && size !== options.size) {
        throw new ObjectSizeMismatchError(`body of "${key}" has ${size} bytes, ${options.size} were announced`);
      }
      if (uploadId === undefined) {
        // Small object: one PUT (S3 overwrites atomically).
        await this.client.putObject(this.bucket, key, part.subarray(0, filled), filled, headers);
      } else {
        if (filled > 0) await flushPart();
        await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      }
    } catch (err) {
      if (uploadId !== undefined) {
        await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      }
      body.destroy();
      if (err === bodyError) throw err;
      throw this.mapError(err, key);
    } finally {
      if (this.idleParts.length < MAX_IDLE_PARTS) this.idleParts.push(buffer);
    }
    return { key, size, metadata };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    validateObjectKey(key);
    if (range !== undefined) validateRange(range);
    try {
      if (range === undefined) return await this.client.getObject(this.bucket, key);
      return await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
    } catch (err) {
      throw this.mapError(err, key, range);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    validateObjectKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { key, size: s.size, metadata: userMetadata(s.metaData) };
    } catch (err) {
      const code = s3Code(err);
      if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
      throw this.mapError(err, key);
    }
  }

  async remove(key: string): Promise<void> {
    validateObjectKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (s3Code(err) === 'NoSuchKey') return;
      throw this.mapError(err, key);
    }
  }

  async list(prefix = ''): Promise<string[]> {
    validatePrefix(prefix);
    const keys: string[] = [];
    try {
      const stream = this.client.listObjectsV2(this.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string }>) {
        if (item.name !== undefined) keys.push(item.name);
      }
    } catch (err) {
      throw this.mapError(err, undefined);
    }
    return keys.sort();
  }

  async isHealthy(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.healthTimeoutMs);
    });
    try {
      return await Promise.race([this.client.bucketExists(this.bucket).catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** No ancestor path may be an object, and no object may live below this key. */
  private async assertNoKeyConflict(key: string): Promise<void> {
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i++) {
      const ancestor = segments.slice(0, i).join('/');
      if (await this.stat(ancestor)) {
        throw new ObjectKeyConflictError(`cannot store "${key}": "${ancestor}" is an object`);
      }
    }
    const below = this.client.listObjectsV2(this.bucket, `${key}/`, true);
    try {
      for await (const item of below as AsyncIterable<{ name?: string }>) {
        if (item.name !== undefined) {
          throw new ObjectKeyConflictError(`cannot store "${key}": objects exist below it (e.g. "${item.name}")`);
        }
      }
    } finally {
      below.destroy();
    }
  }

  private mapError(err: unknown, key: string | undefined, range?: ByteRange): Error {
    if (err instanceof ObjectStoreError) return err;
    const code = s3Code(err);
    if (code === 'NoSuchBucket') {
      return new BucketNotFoundError(`bucket "${this.bucket}" does not exist; call ensureBucket first`, { cause: err });
    }
    if (key !== undefined && (code === 'NoSuchKey' || code === 'NotFound')) return new ObjectNotFoundError(key);
    if (code === 'InvalidRange') {
      return new InvalidRangeError(`range ${JSON.stringify(range)} is not satisfiable for "${key}"`, { cause: err });
    }
    if (err instanceof S3Error) {
      return new ObjectStoreUnavailableError(`MinIO refused the request: ${code ?? ''} ${err.message}`.trim(), {
        cause: err,
      });
    }
    const reason = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code : String(err);
    return new ObjectStoreUnavailableError(`MinIO request failed: ${reason}`, { cause: err });
  }
}

function s3Code(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** minio-js reports a HEAD's user metadata without its prefix, mixed with standard headers. */
function userMetadata(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const lower = k.toLowerCase();
    if (!isReservedMetadataKey(lower) && typeof v === 'string') out[lower] = v;
  }
  return out;
}
