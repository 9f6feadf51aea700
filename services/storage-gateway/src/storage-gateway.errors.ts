import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the storage gateway, one class per code. Codes are stable
 * strings; the HTTP status of each is in `storageGatewayErrorStatus`
 * (storage-gateway.definition.ts; docs/services.md "Errors").
 */
export abstract class StorageGatewayError extends AccordError {}

/** The key-encryption key file is missing or unreadable: the gateway cannot start. */
export class KekUnavailableError extends StorageGatewayError {
  readonly code = 'kek_unavailable';
}

/** A wrapped data key in the database does not open (altered row, or a KEK that was not kept). */
export class StoredKeyInvalidError extends StorageGatewayError {
  readonly code = 'stored_key_invalid';
}

/** The gateway follows no such channel (no block of it was projected): 404. */
export class ChannelNotFoundError extends StorageGatewayError {
  readonly code = 'channel_not_found';

  constructor(readonly channel: string) {
    super(`channel ${channel} is not followed by this gateway (no block of it was projected)`, { channel });
  }
}

/** The projected configuration of a channel does not parse: the gateway's database was altered. */
export class ChannelConfigInvalidError extends StorageGatewayError {
  readonly code = 'channel_config_invalid';

  constructor(channel: string, reason: string) {
    super(`the stored configuration of channel ${channel} is invalid: ${reason}`, { channel });
  }
}

/** A department is not an active member of the channel. */
export class NotChannelMemberError extends StorageGatewayError {
  readonly code = 'not_channel_member';

  constructor(channel: string, department: string) {
    super(`${department} is not an active member of channel ${channel}`, { channel, department });
  }
}

/** Only the dataset's owner may upload, publish records or erase. */
export class NotDatasetOwnerError extends StorageGatewayError {
  readonly code = 'not_owner';

  constructor(dataset: string, department: string) {
    super(`${department} does not own dataset ${dataset}`, { dataset, department });
  }
}

/** No object of that id (or none anchored for that dataset) is kept here. */
export class ObjectNotFoundError extends StorageGatewayError {
  readonly code = 'object_not_found';

  constructor(what: string, details?: Readonly<Record<string, unknown>>) {
    super(`no ${what} is kept by this gateway`, details);
  }
}

/** The object (or record) was erased: its data key is destroyed and its content cannot be read. */
export class ContentErasedError extends StorageGatewayError {
  readonly code = 'content_erased';

  constructor(what: string, details?: Readonly<Record<string, unknown>>) {
    super(`${what} was erased: its data key is destroyed`, details);
  }
}

/** The object is not available yet: its anchor is not committed. */
export class ObjectNotAvailableError extends StorageGatewayError {
  readonly code = 'object_not_available';
}

/** A stored object failed its authentication tags or its anchored hash: nothing of it is served. */
export class ObjectIntegrityError extends StorageGatewayError {
  readonly code = 'object_integrity_failed';
}

/** A byte range outside the object: 416. */
export class RangeNotSatisfiableError extends StorageGatewayError {
  readonly code = 'range_not_satisfiable';

  constructor(
    readonly size: number,
    range: string,
  ) {
    super(`range ${range} is not satisfiable for an object of ${size} bytes`, { size, range });
    this.responseHeaders = { 'Content-Range': `bytes */${size}` };
  }

  override readonly responseHeaders: Readonly<Record<string, string>>;
}

/** A strong-mode record larger than MAX_STRONG_RECORD_BYTES (UTF-8 bytes of its content): 413. */
export class RecordTooLargeError extends StorageGatewayError {
  readonly code = 'record_too_large';

  constructor(bytes: number, limit: number) {
    super(`the record's content is ${bytes} bytes; a strong-mode record holds at most ${limit}`, { bytes, limit });
  }
}

/** A strong-mode record whose content does not match its media type (JSON that does not parse): 400. */
export class RecordContentInvalidError extends StorageGatewayError {
  readonly code = 'record_content_invalid';

  constructor(mediaType: string, reason: string) {
    super(`the record's content is not valid ${mediaType}: ${reason}`, { mediaType });
  }
}

/** No strong-mode record of that tx is known to this gateway (not committed, or not a strong.record): 404. */
export class RecordNotFoundError extends StorageGatewayError {
  readonly code = 'record_not_found';

  constructor(txId: string) {
    super(`no strong-mode record of tx ${txId} is known to this gateway`, { record: txId });
  }
}

/** Another department's record whose data key was never shared with this department: 404. */
export class RecordNotSharedError extends StorageGatewayError {
  readonly code = 'record_not_shared';

  constructor(txId: string) {
    super(`the data key of record ${txId} was not shared with this department`, { record: txId });
  }
}

/**
 * The record's key was shared with us under a grant that is no longer
 * active (revoked, expired, exhausted): this gateway honours the end of the
 * grant and no longer decrypts it (403).
 */
export class RecordGrantEndedError extends StorageGatewayError {
  readonly code = 'record_grant_ended';

  constructor(txId: string, grants: readonly string[]) {
    super(`record ${txId} was shared with us under grants that are no longer active`, { record: txId, grants });
  }
}

/** The object or record was already erased (or its erasure is under way here): 409. */
export class AlreadyErasedError extends StorageGatewayError {
  readonly code = 'already_erased';

  constructor(target: 'object' | 'record', tx: string, erasedBy: string | null) {
    super(
      erasedBy === null
        ? `the ${target} of tx ${tx} is being erased`
        : `the ${target} of tx ${tx} was already erased by tx ${erasedBy}`,
      { target, tx, erasedBy },
    );
  }
}
