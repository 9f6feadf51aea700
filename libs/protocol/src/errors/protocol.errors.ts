/**
 * Stable error codes of the protocol core. They cross process boundaries
 * (HTTP bodies, CLI output, logs), so existing codes never change meaning.
 */
export const PROTOCOL_ERROR_CODES = [
  'json.malformed',
  'json.duplicate_key',
  'json.non_canonical',
  'json.number_not_integer',
  'json.lone_surrogate',
  'json.too_large',
  'json.too_deep',
  'json.unsupported_value',
  'hex.invalid',
  'hex.wrong_length',
  'key.invalid',
  'random.invalid',
  'wrap.invalid',
  'wrap.unwrap_failed',
  'tx.invalid',
  'tx.too_large',
  'tx.unsupported_version',
  'tx.wrong_channel',
  'block.invalid',
  'attestation.invalid',
  'proof.invalid',
  'quorum.invalid',
  'members.invalid',
  'keyfile.invalid',
  'merkle.invalid_argument',
  'chain.invalid',
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** Every failure of the protocol core on bad input is a ProtocolError with a stable `code`. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}
