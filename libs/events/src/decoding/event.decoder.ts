import type { z } from 'zod';

/**
 * Why a record could not be read as its topic's event: a stable code and a
 * message naming at most five schema issues. Consumers count, log and park
 * such records (docs/events.md "Bad records"); they never skip one silently.
 */
export interface EventFailure {
  /** `event_not_json`: the bytes are not JSON; `event_invalid`: JSON that fails the schema (a wrong `v` included). */
  readonly code: 'event_not_json' | 'event_invalid';
  readonly message: string;
  /** The parsed JSON when there was one (a consumer may still read e.g. the channel it names). */
  readonly json?: unknown;
}

export type DecodeResult<T> =
  { readonly ok: true; readonly event: T } | { readonly ok: false; readonly failure: EventFailure };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 JSON bytes and parses them with `schema`; never throws for bad input. */
export function decodeEvent<S extends z.ZodType>(
  schema: S,
  value: Uint8Array,
  name: string,
): DecodeResult<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(value));
  } catch {
    return { ok: false, failure: { code: 'event_not_json', message: `${name} record is not JSON` } };
  }
  return parseEvent(schema, json, name);
}

/** Parses an already decoded value with `schema`; never throws for bad input. */
export function parseEvent<S extends z.ZodType>(schema: S, json: unknown, name: string): DecodeResult<z.output<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return {
    ok: false,
    failure: { code: 'event_invalid', message: `invalid ${name} event: ${issues.join('; ')}`, json },
  };
}
