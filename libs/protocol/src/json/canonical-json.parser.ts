import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from './canonical-json.codec';
import { JsonValue, MAX_JSON_DEPTH } from './json.types';

export interface ParseCanonicalJsonOptions {
  /** Upper bound on the UTF-8 size of the input (default 1 MiB). */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses JSON that must already be in the protocol's canonical form: valid
 * UTF-8, RFC 8259 syntax, no duplicate keys, only safe-integer numbers (no
 * fraction or exponent), no lone surrogates, and byte-for-byte equal to its
 * RFC 8785 re-serialization. Anything else throws a ProtocolError (`json.*`).
 */
export function parseCanonicalJson(input: Uint8Array | string, options: ParseCanonicalJsonOptions = {}): JsonValue {
  const text = checkedText(input, options);
  return acceptedCanonical(text) ?? parseCanonicalText(text);
}

/**
 * The fast path of parseCanonicalJson: V8's JSON.parse, accepted only when
 * its value re-serializes to exactly the input. That is the same set of
 * documents the strict parser accepts, with the same values: a canonical
 * serialization has no duplicate keys, fractions, exponents, unsafe
 * integers, lone surrogates or excess depth (canonicalize throws on the last
 * four), and JSON.parse reads it back exactly; anything else (including a
 * duplicate key, which JSON.parse would silently drop) misses here and goes
 * to the strict parser, which names the fault.
 */
function acceptedCanonical(text: string): JsonValue | undefined {
  try {
    const value = JSON.parse(text) as JsonValue;
    return canonicalize(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The strict parser and the byte-for-byte check, with the precise error for what is refused. */
export function parseCanonicalText(text: string): JsonValue {
  const value = new StrictJsonParser(text).parseDocument();
  const canonical = canonicalize(value);
  if (canonical !== text) {
    const offset = firstDifference(canonical, text);
    throw new ProtocolError(
      'json.non_canonical',
      `JSON is not in RFC 8785 canonical form (first difference at character ${offset})`,
      { offset },
    );
  }
  return value;
}

/**
 * Parses JSON under every rule of parseCanonicalJson except the last one
 * (byte-for-byte canonical form): whitespace between tokens, member order,
 * the spelling of string escapes and `-0` are free, because they do not
 * change the value, so its canonical re-serialization is the one the sender
 * meant. What could change it (duplicate keys, fractions or exponents,
 * unsafe integers, a BOM, invalid UTF-8, lone surrogates) throws as there.
 */
export function parseStrictJson(input: Uint8Array | string, options: ParseCanonicalJsonOptions = {}): JsonValue {
  return parse(input, options).value;
}

function parse(input: Uint8Array | string, options: ParseCanonicalJsonOptions): { value: JsonValue; text: string } {
  const text = checkedText(input, options);
  return { value: new StrictJsonParser(text).parseDocument(), text };
}

/** The input as text, within the size limit and valid UTF-8. */
function checkedText(input: Uint8Array | string, options: ParseCanonicalJsonOptions): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JSON_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxBytes) {
    throw new ProtocolError('json.too_large', `JSON is ${size} bytes, more than the limit of ${maxBytes}`, {
      size,
      maxBytes,
    });
  }
  return typeof input === 'string' ? input : decodeUtf8(input);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtocolError('json.malformed', 'JSON is not valid UTF-8');
  }
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return n;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** RFC 8259 recursive-descent parser that also enforces the protocol's value rules. */
class StrictJsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private parseValue(depth: number): JsonValue {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(depth);
      case '[':
        return this.parseArray(depth);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
    }
  }

  private enter(depth: number): void {
    if (depth >= MAX_JSON_DEPTH) {
      throw new ProtocolError('json.too_deep', `JSON nesting deeper than ${MAX_JSON_DEPTH} at character ${this.pos}`, {
        offset: this.pos,
      });
    }
  }

  private parseObject(depth: number): JsonValue {
    this.enter(depth);
    this.pos++;
    const result: Record<string, JsonValue> = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const keyOffset = this.pos;
      const key = this.parseString();
      if (seen.has(key)) {
        throw new ProtocolError(
          'json.duplicate_key',
          `duplicate key ${JSON.stringify(key)} at character ${keyOffset}`,
          {
            offset: keyOffset,
            key,
          },
        );
      }
      seen.add(key);
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      const value = this.parseValue(depth + 1);
      // A plain assignment of "__proto__" would replace the prototype instead of adding a member.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private parseArray(depth: number): JsonValue {
    this.enter(depth);
    this.pos++;
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string', start);
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        break;
      }
      if (code < 0x20) this.fail('unescaped control character in string');
      if (code === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
    if (/\p{Cs}/u.test(out)) {
      throw new ProtocolError('json.lone_surrogate', `string at character ${start} contains a lone surrogate`, {
        offset: start,
      });
    }
    return out;
  }

  private parseEscape(): string {
    const c = this.text[this.pos + 1];
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const decoded = c === undefined ? undefined : ESCAPES[c];
    if (decoded === undefined) this.fail('invalid escape sequence');
    this.pos += 2;
    return decoded;
  }

  private parseNumber(): number {
    const start = this.pos;
    const match = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    match.lastIndex = start;
    const m = match.exec(this.text);
    if (m === null) return this.fail('invalid number');
    this.pos = start + m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) {
      throw new ProtocolError(
        'json.number_not_integer',
        `number ${m[0]} at character ${start} has a fraction or exponent; only integers are allowed`,
        { offset: start },
      );
    }
    const value = Number(m[0]);
    if (!Number.isSafeInteger(value)) {
      throw new ProtocolError('json.number_not_integer', `number ${m[0]} at character ${start} is not a safe integer`, {
        offset: start,
      });
    }
    return value;
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      const found = this.text[this.pos];
      this.fail(
        `expected ${JSON.stringify(char)} but found ${found === undefined ? 'end of input' : JSON.stringify(found)}`,
      );
    }
    this.pos++;
  }

  private fail(message: string, offset = this.pos): never {
    throw new ProtocolError('json.malformed', `malformed JSON: ${message} at character ${offset}`, { offset });
  }
}
