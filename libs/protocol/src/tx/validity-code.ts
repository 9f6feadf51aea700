import { z } from 'zod';
import { ProtocolError } from '../errors/protocol.errors';

/**
 * Deterministic validity of a tx in its block (docs/protocol.md lists each).
 * Stable strings: they are hashed into every Merkle leaf, so a code is never
 * renamed or reused for another meaning.
 */
export const VALIDITY_CODES = [
  'valid',
  'bad_signature',
  'unknown_member',
  'removed_member',
  'replayed',
  'schema_error',
  'too_large',
  'not_authorized',
  'wrong_channel',
  'unsupported_version',
  'config_rejected',
] as const;

export type ValidityCode = (typeof VALIDITY_CODES)[number];

export const validityCodeSchema = z.enum(VALIDITY_CODES);

export function isValidityCode(value: unknown): value is ValidityCode {
  return typeof value === 'string' && (VALIDITY_CODES as readonly string[]).includes(value);
}

/** Codes a tx can only get when its bytes did not parse as an envelope (it is then stored as `raw`). */
export const RAW_VALIDITY_CODES: readonly ValidityCode[] = ['schema_error', 'too_large', 'unsupported_version'];

/** The validity code for a tx whose bytes {@link parseEnvelope} rejected. */
export function validityCodeForParseError(error: ProtocolError): 'schema_error' | 'too_large' | 'unsupported_version' {
  switch (error.code) {
    case 'tx.too_large':
    case 'json.too_large':
      return 'too_large';
    case 'tx.unsupported_version':
      return 'unsupported_version';
    default:
      return 'schema_error';
  }
}
