import {
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  OBJECT_STORE_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  readPackageVersion,
  type ErrorStatusMap,
  type ServiceDefinition,
} from '@accord/service-kit';
import { AppModule } from './app.module';
import { storageGatewayConfigSchema, type StorageGatewayConfig } from './storage-gateway.config';

/**
 * `@accord/data-plane` (DATA_PLANE_ERROR_CODES): a transfer request whose
 * signature fails is 401; a peer's answer that does not parse or verify is
 * a bad gateway (502); a stored object that does not decrypt is ours (500).
 */
export const DATA_PLANE_ERROR_STATUS: ErrorStatusMap = {
  'segment.header_invalid': 500,
  'segment.invalid_argument': 400,
  'segment.auth_failed': 500,
  'segment.truncated': 500,
  'chunk.invalid_argument': 400,
  'chunk.mismatch': 502,
  'signature.missing': 401,
  'signature.malformed': 401,
  'signature.invalid': 401,
  'signature.expired': 401,
  'signature.components': 401,
  'signature.unknown_key': 401,
  'signature.invalid_argument': 400,
  'byteranges.malformed': 502,
  'byteranges.invalid_argument': 500,
};

/**
 * HTTP status of every code that can reach the storage-gateway service's edge (docs/services.md "Errors");
 * storage-gateway.error-status.spec.ts fails on a code without one.
 */
export const storageGatewayErrorStatus: ErrorStatusMap = {
  ...KIT_ERROR_STATUS,
  ...PROTOCOL_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  ...OBJECT_STORE_ERROR_STATUS,
  ...DATA_PLANE_ERROR_STATUS,
  kek_unavailable: 500,
  stored_key_invalid: 500,
  not_owner: 403,
  object_not_found: 404,
  content_erased: 410,
  object_not_available: 409,
  object_integrity_failed: 500,
  object_quarantined: 409,
  range_not_satisfiable: 416,
  grant_not_found: 404,
  not_grantee: 403,
  grant_not_live: 403,
  use_rejected: 403,
  use_not_committed: 503,
  request_replayed: 401,
  anchor_not_found: 404,
  peer_unknown: 409,
  peer_unavailable: 502,
  transfer_refused: 403,
  transfer_verification_failed: 502,
  transfer_not_found: 404,
  scrub_run_not_found: 404,
  scrubber_stopping: 503,
  // Resumable uploads (docs/storage-gateway-upload.md)
  upload_not_found: 404,
  upload_expired: 410,
  upload_offset_mismatch: 409,
  upload_busy: 409,
  upload_checksum_mismatch: 460,
  upload_too_long: 413,
  upload_length_invalid: 400,
  upload_metadata_invalid: 400,
  tus_version_unsupported: 412,
  content_type_invalid: 415,
  checksum_algorithm_unsupported: 400,
  upload_interrupted: 400,
  record_too_large: 413,
  record_content_invalid: 400,
  record_not_found: 404,
  record_not_shared: 404,
  record_grant_ended: 403,
  already_erased: 409,
};

/** How main.ts, tests and `accord up` start the storage-gateway service. */
export const storageGatewayService: ServiceDefinition<StorageGatewayConfig> = {
  name: 'storage-gateway',
  title: 'Accord storage gateway',
  description:
    "Keeps the department's off-chain objects encrypted in its object store, anchors them on the ledger and serves them to grantees.",
  version: readPackageVersion(__dirname),
  configSchema: storageGatewayConfigSchema,
  rootModule: AppModule,
  errorStatus: storageGatewayErrorStatus,
};
