import type { Readable } from 'node:stream';

/**
 * The object store port: the owner's off-chain storage for large data.
 * Adapters: MinIO (cluster mode) and a local directory (embedded mode).
 * Content is opaque here; encryption and hashing live in the storage gateway.
 */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** User metadata stored with the object (keys lower-case). */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PutOptions {
  readonly metadata?: Readonly<Record<string, string>>;
  /** Known size in bytes, if any (lets adapters skip buffering). */
  readonly size?: number;
}

export interface ByteRange {
  /** Inclusive start. */
  readonly start: number;
  /** Inclusive end. */
  readonly end: number;
}

export interface ObjectStore {
  ensureBucket(): Promise<void>;
  /** Streams `body` into the store; memory stays flat whatever the size. Overwrites atomically. */
  put(key: string, body: Readable, options?: PutOptions): Promise<ObjectInfo>;
  /** Streams the object (or a byte range of it). Throws ObjectNotFoundError if absent. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Returns info or undefined if absent. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; removing an absent object is not an error. */
  remove(key: string): Promise<void>;
  /** Lists keys under a prefix, sorted. */
  list(prefix?: string): Promise<string[]>;
  isHealthy(): Promise<boolean>;
}
