import { EXIT_INTERNAL, EXIT_INVALID, EXIT_REJECTED, EXIT_UNAVAILABLE } from '../cli.context';

/**
 * An outcome of `accord upload` / `accord fetch` that is not a plain service
 * error: a refusal with its reason (no grant, request still pending, grant
 * expired or revoked, the provider's data refused), a result that does not
 * match what the chain anchored, a gateway that broke the protocol. It
 * carries a stable code, its exit code (docs/cli.md "Exit codes") and what
 * to do next.
 */
export class DataCommandError extends Error {
  override readonly name = 'DataCommandError';

  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly next?: string,
  ) {
    super(message);
  }

  get exitCode(): number {
    return DATA_ERROR_EXIT_CODES[this.code];
  }
}

/** Each code's exit code: denials and integrity failures are 1, the rest as their kind. */
const DATA_ERROR_EXIT_CODES = {
  /** The requester holds no grant for what was named. */
  no_grant: EXIT_INVALID,
  /** The access request exists but is not granted (pending consent, denied, refused, cancelled). */
  request_not_granted: EXIT_INVALID,
  /** The grant exists but is no longer live (expired, revoked, used up). */
  grant_not_live: EXIT_INVALID,
  /** The transfer failed: the provider refused, or its data did not verify against the anchor. */
  transfer_failed: EXIT_INVALID,
  /** The bytes received or stored do not hash to what the chain anchored. */
  content_mismatch: EXIT_INVALID,
  /** The provider's gateway (or ours) did not answer in time. */
  transfer_unavailable: EXIT_UNAVAILABLE,
  /** The object did not become available (anchored) in the time given. */
  anchor_timeout: EXIT_UNAVAILABLE,
  /** The gateway refused to go on with the upload (e.g. the same chunk failed its checksum again). */
  upload_refused: EXIT_REJECTED,
  /** A gateway answer that breaks the protocol (a missing header). */
  gateway_protocol: EXIT_INTERNAL,
} as const;

export type DataErrorCode = keyof typeof DATA_ERROR_EXIT_CODES;
