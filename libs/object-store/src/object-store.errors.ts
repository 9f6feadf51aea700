/**
 * Typed object store errors with stable string codes; the same errors come
 * out of every adapter.
 */
export abstract class ObjectStoreError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The key breaks the key rules (see object-input.validator.ts); nothing was touched. */
export class InvalidObjectKeyError extends ObjectStoreError {
  readonly code = 'object_key_invalid';
}

/**
 * The key is a directory-like prefix of an existing key, or has an existing
 * key as such a prefix ("a" and "a/b"). S3 allows that, but MinIO's
 * filesystem layout cannot list both, so no adapter allows it.
 */
export class ObjectKeyConflictError extends ObjectStoreError {
  readonly code = 'object_key_conflict';
}

export class ObjectNotFoundError extends ObjectStoreError {
  readonly code = 'object_not_found';

  constructor(readonly key: string) {
    super(`object "${key}" does not exist`);
  }
}

/** The byte range is malformed or starts at or beyond the end of the object. */
export class InvalidRangeError extends ObjectStoreError {
  readonly code = 'object_range_invalid';
}

/** User metadata breaks the metadata rules (lower-case header-safe keys, printable ASCII values, 2 KiB). */
export class InvalidObjectMetadataError extends ObjectStoreError {
  readonly code = 'object_metadata_invalid';
}

/** The body did not have the announced size; nothing was stored. */
export class ObjectSizeMismatchError extends ObjectStoreError {
  readonly code = 'object_size_mismatch';
}

/** The bucket (or local root directory) does not exist: call ensureBucket first. */
export class BucketNotFoundError extends ObjectStoreError {
  readonly code = 'object_store_bucket_not_found';
}

/** The store could not be reached or refused the request. */
export class ObjectStoreUnavailableError extends ObjectStoreError {
  readonly code = 'object_store_unavailable';
}

export class InvalidObjectStoreConfigError extends ObjectStoreError {
  readonly code = 'object_store_invalid_config';
}
