import type { ErrorStatusMap } from './http-error.mapper';

// The HTTP status of every code the kit and the framework-free libs raise.
// The libs know nothing of HTTP, so their tables live here, at the edge; each
// service's `errorStatus` spreads the tables of the libs it uses and adds its
// own codes. A code missing from a service's table is answered 500 and
// logged: every service has a spec that fails on a code without a status.

/** Codes the kit itself raises, and generic ones any service may use. */
export const KIT_ERROR_STATUS: ErrorStatusMap = {
  validation_failed: 400,
  malformed_body: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_ready: 503,
  dependency_unavailable: 503,
  config_invalid: 400,
  service_start_failed: 422,
  envelope_invalid: 400,
  nonce_lane_exhausted: 422,
  department_file_invalid: 400,
  department_keys_invalid: 400,
  department_locked: 422,
  department_start_failed: 422,
};

/** `@accord/protocol` (PROTOCOL_ERROR_CODES). */
export const PROTOCOL_ERROR_STATUS: ErrorStatusMap = {
  'json.malformed': 400,
  'json.duplicate_key': 422,
  'json.non_canonical': 422,
  'json.number_not_integer': 422,
  'json.lone_surrogate': 422,
  'json.too_large': 413,
  'json.too_deep': 422,
  'json.unsupported_value': 422,
  'hex.invalid': 400,
  'hex.wrong_length': 422,
  'key.invalid': 400,
  'random.invalid': 400,
  'wrap.invalid': 400,
  'wrap.unwrap_failed': 422,
  'tx.invalid': 400,
  'tx.too_large': 413,
  'tx.unsupported_version': 422,
  'tx.wrong_channel': 422,
  'block.invalid': 400,
  'attestation.invalid': 400,
  'proof.invalid': 400,
  'quorum.invalid': 400,
  'members.invalid': 400,
  'keyfile.invalid': 400,
  'merkle.invalid_argument': 400,
  'chain.invalid': 400,
};

/** `@accord/ledger-core` (LEDGER_CORE_ERROR_CODES). */
export const LEDGER_CORE_ERROR_STATUS: ErrorStatusMap = {
  'record.invalid': 400,
  'record.out_of_order': 422,
  'snapshot.invalid': 400,
  'config.invalid': 400,
  'history.invalid': 400,
  'history.out_of_order': 422,
  'finality.invalid': 400,
};

/** `@accord/rules` (RULES_ERROR_CODES; receipt codes are the services' business). */
export const RULES_ERROR_STATUS: ErrorStatusMap = {
  'state.invalid': 400,
  'block.out_of_order': 422,
  'block.wrong_channel': 422,
  'config.invalid': 400,
  'receipt.invalid': 400,
};

/** `@accord/event-bus` (its unavailable and closed errors are 503 `dependency_unavailable` before this table). */
export const EVENT_BUS_ERROR_STATUS: ErrorStatusMap = {
  EVENT_BUS_INVALID_CONFIG: 400,
  EVENT_BUS_INVALID_ARGUMENT: 400,
  EVENT_BUS_TOPIC_NOT_FOUND: 404,
  EVENT_BUS_TOPIC_MISCONFIGURED: 422,
  EVENT_BUS_MESSAGE_TOO_LARGE: 413,
  EVENT_BUS_OFFSET_OUT_OF_RANGE: 422,
  EVENT_BUS_CLOSED: 422,
  EVENT_BUS_UNAVAILABLE: 503,
  EVENT_BUS_LOG_LOCKED: 422,
  EVENT_BUS_LOG_CORRUPTED: 422,
  EVENT_BUS_LOG_WRITE_FAILED: 422,
};

/** `@accord/persistence` (its unavailable error is 503 `dependency_unavailable` before this table). */
export const PERSISTENCE_ERROR_STATUS: ErrorStatusMap = {
  PERSISTENCE_INVALID_CONFIG: 400,
  PERSISTENCE_UNAVAILABLE: 503,
  PERSISTENCE_ALREADY_OPEN: 422,
  PERSISTENCE_MIGRATION_FAILED: 422,
  PERSISTENCE_NESTED_TRANSACTION: 422,
  PERSISTENCE_NOT_IN_TRANSACTION: 422,
  CHECKPOINT_INVALID: 400,
  CHECKPOINT_REGRESSION: 422,
};

/** `@accord/object-store`. */
export const OBJECT_STORE_ERROR_STATUS: ErrorStatusMap = {
  OBJECT_KEY_INVALID: 400,
  OBJECT_KEY_CONFLICT: 409,
  OBJECT_NOT_FOUND: 404,
  OBJECT_RANGE_INVALID: 400,
  OBJECT_METADATA_INVALID: 400,
  OBJECT_SIZE_MISMATCH: 422,
  OBJECT_STORE_BUCKET_NOT_FOUND: 404,
  OBJECT_STORE_UNAVAILABLE: 503,
  OBJECT_STORE_INVALID_CONFIG: 400,
};
