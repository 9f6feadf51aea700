/**
 * Stable error codes of the data-plane formats. They cross process
 * boundaries (HTTP bodies, CLI output, logs), so a code never changes meaning.
 */
export const DATA_PLANE_ERROR_CODES = [
  'segment.header_invalid',
  'segment.invalid_argument',
  'segment.auth_failed',
  'segment.truncated',
  'chunk.invalid_argument',
  'chunk.mismatch',
  'signature.missing',
  'signature.malformed',
  'signature.invalid',
  'signature.expired',
  'signature.components',
  'signature.unknown_key',
  'signature.invalid_argument',
  'byteranges.malformed',
  'byteranges.invalid_argument',
] as const;

export type DataPlaneErrorCode = (typeof DATA_PLANE_ERROR_CODES)[number];

/** Every failure of the data-plane formats on bad input is a DataPlaneError with a stable `code`. */
export class DataPlaneError extends Error {
  override readonly name = 'DataPlaneError';

  constructor(
    readonly code: DataPlaneErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isDataPlaneError(value: unknown): value is DataPlaneError {
  return value instanceof DataPlaneError;
}
