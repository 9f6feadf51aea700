import type { ErrorStatusMap } from './http-error.mapper';

// The HTTP status of every code the kit and the framework-free libs raise.
// The libs know nothing of HTTP, so their tables live here, at the edge; each
// service's `errorStatus` spreads the tables of the libs it uses and adds its
// own codes. A code missing from a service's table is answered 500 and
// logged: every service has a spec that fails on a code without a status.

/**
 * The one casing of error codes: lower snake_case words, optionally behind
 * dot-separated namespaces (`dataset_not_found`, `tx.invalid`,
 * `proof.unknown_signer`). docs/services.md "Errors".
 */
export const ERROR_CODE_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)*$/;

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
  ledger_unavailable: 503,
  config_invalid: 400,
  service_start_failed: 422,
  envelope_invalid: 400,
  nonce_lane_exhausted: 422,
  department_file_invalid: 400,
  department_keys_invalid: 400,
  department_locked: 422,
  department_start_failed: 422,
  channel_not_found: 404,
  channel_config_invalid: 500,
  not_channel_member: 409,
  // auth/api-token.errors.ts (token administration)
  token_exists: 409,
  token_not_found: 404,
  last_sysadmin_token: 409,
  token_store_read_only: 409,
  token_store_invalid: 500,
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
  event_bus_invalid_config: 400,
  event_bus_invalid_argument: 400,
  event_bus_topic_not_found: 404,
  event_bus_topic_misconfigured: 422,
  event_bus_message_too_large: 413,
  event_bus_offset_out_of_range: 422,
  event_bus_closed: 422,
  event_bus_unavailable: 503,
  event_bus_log_locked: 422,
  event_bus_log_corrupted: 422,
  event_bus_log_write_failed: 503,
};

/** `@accord/persistence` (its unavailable error is 503 `dependency_unavailable` before this table). */
export const PERSISTENCE_ERROR_STATUS: ErrorStatusMap = {
  persistence_invalid_config: 400,
  persistence_unavailable: 503,
  persistence_already_open: 422,
  persistence_migration_failed: 422,
  persistence_nested_transaction: 422,
  persistence_not_in_transaction: 422,
  checkpoint_invalid: 400,
  checkpoint_regression: 422,
};

/** `@accord/object-store`. */
export const OBJECT_STORE_ERROR_STATUS: ErrorStatusMap = {
  object_key_invalid: 400,
  object_key_conflict: 409,
  object_not_found: 404,
  object_range_invalid: 400,
  object_metadata_invalid: 400,
  object_size_mismatch: 422,
  object_store_bucket_not_found: 404,
  object_store_unavailable: 503,
  object_store_invalid_config: 400,
};
