const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * The byte slices of the elements of a top-level JSON array, as received
 * (no copy), or undefined when the body is not an array: each envelope of a
 * batch is then checked exactly as the single endpoint checks its whole
 * body, and an element the strict JSON rules refuse (a duplicate key, `1.0`)
 * is refused alone instead of failing the batch. Only the structure is
 * scanned here (strings, nesting, commas); the elements' syntax is checked
 * by their own parse. UTF-8 continuation bytes are all ≥ 0x80, so scanning
 * bytes cannot mistake them for structure.
 */
export function splitJsonArray(body: Uint8Array): Uint8Array[] | undefined {
  let at = skipSpace(body, 0);
  if (body[at] !== OPEN_ARRAY) return undefined;
  at = skipSpace(body, at + 1);
  const elements: Uint8Array[] = [];
  if (body[at] === CLOSE_ARRAY) return skipSpace(body, at + 1) === body.length ? elements : undefined;
  let start = at;
  let depth = 0;
  let inString = false;
  for (; at < body.length; at++) {
    const byte = body[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) depth++;
    else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && depth > 0) depth--;
    else if (depth === 0 && (byte === COMMA || byte === CLOSE_ARRAY)) {
      elements.push(trimmed(body, start, at));
      if (byte === CLOSE_ARRAY) return skipSpace(body, at + 1) === body.length ? elements : undefined;
      start = at + 1;
    }
  }
  return undefined;
}

function skipSpace(body: Uint8Array, from: number): number {
  let at = from;
  while (at < body.length && isSpace(body[at])) at++;
  return at;
}

function trimmed(body: Uint8Array, start: number, end: number): Uint8Array {
  let last = end;
  while (last > start && isSpace(body[last - 1])) last--;
  return body.subarray(skipSpace(body, start), last);
}
