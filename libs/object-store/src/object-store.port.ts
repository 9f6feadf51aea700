import type { Readable } from 'node:stream';

/**
 * The object store port: the owner's off-chain storage for large data.
 * Adapters: MinIO (cluster mode) and a local directory (embedded mode); both
 * pass the same contract suite (src/testing/object-store.contract.ts).
 * Content is opaque here; encryption and hashing live in the storage gateway.
 *
 * Keys: 1..1024 bytes of `/`-separated segments; a segment is 1..255 of
 * `A-Z a-z 0-9 - _ . ~ =` and does not start with `.`; no leading, trailing
 * or doubled `/`. Anything else is an InvalidObjectKeyError, in every adapter.
 * A key cannot coexist with keys below it: with "a/b" stored, putting "a"
 * (or "a/b/c") fails with ObjectKeyConflictError (MinIO cannot list both).
 */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** User metadata stored with the object (keys lower-case). */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PutOptions {
  /**
   * User metadata: keys `[a-z0-9][a-z0-9-]*` (at most 64 characters), values
   * printable ASCII without leading/trailing spaces; at most 2 KiB in total.
   */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Announced size in bytes, if known; a body of another size fails with ObjectSizeMismatchError. */
  readonly size?: number;
}

export interface ByteRange {
  /** Inclusive start; must be below the object size. */
  readonly start: number;
  /** Inclusive end; clamped to the last byte (as HTTP ranges are). */
  readonly end: number;
}

export interface ObjectStore {
  /** Creates the bucket (local: the root directory) if missing. Idempotent. */
  ensureBucket(): Promise<void>;
  /**
   * Streams `body` into the store; memory stays flat whatever the size.
   * Overwrites atomically: readers see the old or the new object, never a mix.
   * A failing body or size mismatch stores nothing. BucketNotFoundError before ensureBucket,
   * ObjectKeyConflictError when the key is above or below an existing key.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<ObjectInfo>;
  /** Streams the object (or a byte range of it). Throws ObjectNotFoundError if absent, InvalidRangeError for a bad range. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Returns info or undefined if absent. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; removing an absent object is not an error. */
  remove(key: string): Promise<void>;
  /** Lists keys starting with `prefix` (a plain string prefix, as in S3), sorted. */
  list(prefix?: string): Promise<string[]>;
  /** True when the store answers and the bucket is usable. Never throws. */
  isHealthy(): Promise<boolean>;
}
