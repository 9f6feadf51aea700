import { ProtocolError } from '../errors/protocol.errors';
import { isPlainObject, MAX_JSON_DEPTH } from './json.types';

// In unicode mode \p{Cs} matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * RFC 8785 (JCS) serialization restricted to the protocol's JSON: numbers must
 * be safe integers (so the ECMAScript number formatting of RFC 8785 reduces to
 * plain decimal digits), strings must be well-formed UTF-16, objects must be
 * plain. Object members whose value is `undefined` are omitted, as
 * JSON.stringify does; `undefined` anywhere else is rejected.
 */
export function canonicalize(value: unknown): string {
  return serialize(value, 0, '$');
}

/** UTF-8 bytes of {@link canonicalize}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalize(value), 'utf8');
}

function serialize(value: unknown, depth: number, path: string): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new ProtocolError('json.number_not_integer', `${path}: ${String(value)} is not a safe integer`, { path });
      }
      // String(-0) is "0", which is also what RFC 8785 prescribes.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_JSON_DEPTH) {
        throw new ProtocolError('json.too_deep', `${path}: nesting deeper than ${MAX_JSON_DEPTH}`, { path });
      }
      if (Array.isArray(value)) return serializeArray(value, depth, path);
      if (isPlainObject(value)) return serializeObject(value, depth, path);
      throw new ProtocolError('json.unsupported_value', `${path}: ${describe(value)} is not a JSON value`, { path });
    default:
      throw new ProtocolError('json.unsupported_value', `${path}: ${typeof value} is not a JSON value`, { path });
  }
}

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new ProtocolError('json.lone_surrogate', `${path}: string contains a lone surrogate`, { path });
  }
  // For well-formed strings JSON.stringify emits exactly the RFC 8785 escapes:
  // \" \\ \b \f \n \r \t, \u00xx (lowercase) for other controls, all else literal.
  return JSON.stringify(value);
}

function serializeArray(value: readonly unknown[], depth: number, path: string): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    const item = value[i];
    if (item === undefined) {
      throw new ProtocolError('json.unsupported_value', `${path}[${i}]: undefined is not a JSON value`, { path });
    }
    out += serialize(item, depth + 1, `${path}[${i}]`);
  }
  return out + ']';
}

function serializeObject(value: Record<string, unknown>, depth: number, path: string): string {
  // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 requires.
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    const memberPath = `${path}.${key}`;
    out += serializeString(key, memberPath) + ':' + serialize(member, depth + 1, memberPath);
  }
  return out + '}';
}

function describe(value: object): string {
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? `a ${ctor.name}` : 'a non-plain object';
}
