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

/**
 * The provider will not serve an object it knows is damaged: the last
 * scrub found a problem with it, or a stored part's size is not what was
 * written. Refused before any access is recorded on the chain.
 */
export class ObjectQuarantinedError extends StorageGatewayError {
  readonly code = 'object_quarantined';
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

// --- transfer/ (docs/storage-gateway-transfer.md) ---

/** The grant a transfer names is unknown here (never granted, or not projected yet). */
export class GrantNotFoundError extends StorageGatewayError {
  readonly code = 'grant_not_found';

  constructor(readonly grant: string) {
    super(`grant ${grant} is not known to this gateway`, { grant });
  }
}

/** The signer of a transfer request is not the grantee of the grant it names (or we are not its provider). */
export class NotGranteeError extends StorageGatewayError {
  readonly code = 'not_grantee';
}

/** The grant is not live: revoked, expired or exhausted at the last block. */
export class GrantNotLiveError extends StorageGatewayError {
  readonly code = 'grant_not_live';
}

/** The access.use of this request was rejected by the rules (e.g. the grant's last access was taken). */
export class UseRejectedError extends StorageGatewayError {
  readonly code = 'use_rejected';
}

/** The access.use was published but not applied by the contracts service within ACCORD_GATEWAY_USE_WAIT_MS. */
export class UseNotCommittedError extends StorageGatewayError {
  readonly code = 'use_not_committed';
}

/** A signed transfer request whose nonce was already seen from that department. */
export class RequestReplayedError extends StorageGatewayError {
  readonly code = 'request_replayed';
}

/** No anchor of the dataset is on this department's copy of the chain (or every one was erased). */
export class AnchorNotFoundError extends StorageGatewayError {
  readonly code = 'anchor_not_found';
}

/** The provider's gateway is not in ACCORD_GATEWAY_PEERS. */
export class PeerUnknownError extends StorageGatewayError {
  readonly code = 'peer_unknown';
}

/** The provider's gateway did not answer, or answered an error of its own. */
export class PeerUnavailableError extends StorageGatewayError {
  readonly code = 'peer_unavailable';
}

/** The provider refused the transfer (its error code is in details.providerError). */
export class TransferRefusedError extends StorageGatewayError {
  readonly code = 'transfer_refused';
}

/** Bytes from the provider that do not verify against the anchored chunk root: nothing of them is kept. */
export class TransferVerificationError extends StorageGatewayError {
  readonly code = 'transfer_verification_failed';
}

/** No transfer of that id was started here. */
export class TransferNotFoundError extends StorageGatewayError {
  readonly code = 'transfer_not_found';

  constructor(readonly transfer: string) {
    super(`no transfer ${transfer} was started by this gateway`, { transfer });
  }
}

// --- scrubber/ (docs/storage-gateway-scrubber.md) ---

/** No integrity scrub run of that id was started here: 404. */
export class ScrubRunNotFoundError extends StorageGatewayError {
  readonly code = 'scrub_run_not_found';

  constructor(runId: string) {
    super(`no scrub run ${runId} was started by this gateway`, { runId });
  }
}

/** The gateway is shutting down: no scrub run starts any more (503). */
export class ScrubberStoppingError extends StorageGatewayError {
  readonly code = 'scrubber_stopping';

  constructor() {
    super('the gateway is shutting down: no scrub run starts any more');
  }
}

// --- Resumable uploads (tus 1.0.0, docs/storage-gateway-upload.md) ---

/** No upload of that id is in progress here (never created, finished, terminated or swept after expiry): 404. */
export class UploadNotFoundError extends StorageGatewayError {
  readonly code = 'upload_not_found';

  constructor(uploadId: string) {
    super(`no upload ${uploadId} is in progress here`, { upload: uploadId });
  }
}

/** The upload was not finished in time; its bytes are (or are about to be) removed: 410. */
export class UploadExpiredError extends StorageGatewayError {
  readonly code = 'upload_expired';

  constructor(uploadId: string, expiresAt: number) {
    super(`upload ${uploadId} expired at ${new Date(expiresAt).toISOString()}`, { upload: uploadId, expiresAt });
  }
}

/** A PATCH whose Upload-Offset is not the stored offset (the client must HEAD and go on from there): 409. */
export class UploadOffsetMismatchError extends StorageGatewayError {
  readonly code = 'upload_offset_mismatch';

  constructor(uploadId: string, sent: number, stored: number) {
    super(`upload ${uploadId} is at offset ${stored}, not ${sent}`, { upload: uploadId, offset: stored, sent });
  }
}

/**
 * Another PATCH (or a termination) of the same upload holds its lease: 409.
 * When the lease's term is known, the answer says when it goes stale
 * (`details.retryAfterSeconds` and `Retry-After`): a client may take it
 * over then, as it must when the holder died mid-PATCH.
 */
export class UploadBusyError extends StorageGatewayError {
  readonly code = 'upload_busy';

  constructor(uploadId: string, retryAfterSeconds?: number) {
    super(
      `upload ${uploadId} is being written by another request`,
      retryAfterSeconds === undefined ? { upload: uploadId } : { upload: uploadId, retryAfterSeconds },
    );
    this.responseHeaders = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  }

  override readonly responseHeaders: Readonly<Record<string, string>>;
}

/** The PATCH body does not match its Upload-Checksum: nothing of it was kept (tus checksum extension, 460). */
export class UploadChecksumMismatchError extends StorageGatewayError {
  readonly code = 'upload_checksum_mismatch';

  constructor(uploadId: string) {
    super(`the body of this PATCH of upload ${uploadId} does not match its Upload-Checksum; nothing of it was kept`, {
      upload: uploadId,
    });
  }
}

/** The PATCH would go past Upload-Length: nothing of it was kept, 413. */
export class UploadTooLongError extends StorageGatewayError {
  readonly code = 'upload_too_long';

  constructor(uploadId: string, length: number) {
    super(`this PATCH goes past the ${length} bytes announced for upload ${uploadId}; nothing of it was kept`, {
      upload: uploadId,
      length,
    });
  }
}

/** Upload-Length (or Upload-Offset) missing or not an integer in range, or a deferred length: 400. */
export class UploadLengthInvalidError extends StorageGatewayError {
  readonly code = 'upload_length_invalid';
}

/** Upload-Metadata that does not decode or lacks a valid channel, dataset, version or mediaType: 400. */
export class UploadMetadataInvalidError extends StorageGatewayError {
  readonly code = 'upload_metadata_invalid';
}

/** A tus request without `Tus-Resumable: 1.0.0`: 412 (the answer lists Tus-Version). */
export class TusVersionUnsupportedError extends StorageGatewayError {
  readonly code = 'tus_version_unsupported';
  override readonly responseHeaders: Readonly<Record<string, string>> = { 'Tus-Version': '1.0.0' };

  constructor(sent: string | undefined) {
    super(`Tus-Resumable ${sent === undefined ? 'is missing' : `${sent} is not supported`}; this server speaks 1.0.0`);
  }
}

/** A PATCH (or creation with upload) whose body is not `application/offset+octet-stream`: 415. */
export class ContentTypeInvalidError extends StorageGatewayError {
  readonly code = 'content_type_invalid';

  constructor(sent: string | undefined) {
    super(`the body must be application/offset+octet-stream, not ${sent ?? 'untyped'}`);
  }
}

/** Upload-Checksum names an algorithm other than sha256, or is malformed: 400. */
export class ChecksumAlgorithmUnsupportedError extends StorageGatewayError {
  readonly code = 'checksum_algorithm_unsupported';
}

/** The client went away in the middle of a PATCH body (what arrived before is kept unless the PATCH had a checksum). */
export class UploadInterruptedError extends StorageGatewayError {
  readonly code = 'upload_interrupted';

  constructor(uploadId: string, offset: number) {
    super(`the body of a PATCH of upload ${uploadId} ended early; the upload is at offset ${offset}`, {
      upload: uploadId,
      offset,
    });
  }
}

// --- strong-mode/ and erasure/ (docs/storage-gateway-strong-mode.md) ---

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
