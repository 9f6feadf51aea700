import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol.errors';
import { isPlainObject, JsonObject } from '../json/json.types';

/** Channel names and member ids: lowercase, starting with a letter or digit, at most 64 characters. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Tx types: dotted lowercase names such as `dataset.register`. */
export const TX_TYPE_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
export const MAX_TX_TYPE_LENGTH = 64;

export const PROTOCOL_VERSION = 1;

export const channelNameSchema = z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}');
export const memberIdSchema = z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}');
export const txTypeSchema = z
  .string()
  .max(MAX_TX_TYPE_LENGTH)
  .regex(TX_TYPE_PATTERN, 'must be a dotted lowercase name such as dataset.register');
/** Non-negative safe integer (zod's int() already bounds to the safe range). */
export const uintSchema = z.int().min(0);
export const jsonObjectSchema = z.custom<JsonObject>((value) => isPlainObject(value), 'must be a JSON object');

const hexSchemas = new Map<number, z.ZodString>();
/** Lowercase hex of exactly `bytes` bytes. */
export function hexSchema(bytes: number): z.ZodString {
  let schema = hexSchemas.get(bytes);
  if (schema === undefined) {
    schema = z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes as lowercase hex`);
    hexSchemas.set(bytes, schema);
  }
  return schema;
}
export const hashHexSchema = hexSchema(32);

/** Validates with a zod schema and turns its issues into one ProtocolError listing each of them. */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ProtocolErrorCode,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  throw new ProtocolError(code, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
    issues,
  });
}
