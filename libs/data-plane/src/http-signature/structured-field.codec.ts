import { DataPlaneError } from '../errors/data-plane.errors';

/**
 * The part of RFC 8941 (Structured Field Values) that RFC 9421 signatures
 * need: parsing Dictionaries (Signature-Input, Signature) with every bare
 * item type, so foreign members and unknown parameters are skipped exactly
 * as the RFC's algorithms do, and serialising Strings, Integers and Inner
 * Lists for the signer. Parsing follows RFC 8941 §4.2 step by step; any
 * departure is a `signature.malformed` error.
 */

export type BareItem =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'binary'; readonly value: Uint8Array }
  | { readonly type: 'boolean'; readonly value: boolean };

/** Parameters keep their first-seen order; a repeated key overwrites the value (RFC 8941 §4.2.3.2). */
export type SfParameters = ReadonlyMap<string, BareItem>;

export interface SfItem {
  readonly kind: 'item';
  readonly value: BareItem;
  readonly params: SfParameters;
}

export interface SfInnerList {
  readonly kind: 'inner-list';
  readonly items: readonly SfItem[];
  readonly params: SfParameters;
}

/** A Dictionary member with `raw`, the member value exactly as it appeared after `key=`. */
export interface SfDictionaryMember {
  readonly value: SfItem | SfInnerList;
  readonly raw: string;
}

export const SF_INTEGER_MAX = 999_999_999_999_999;

const DIGIT = /[0-9]/;
const ALPHA = /[A-Za-z]/;
const LCALPHA = /[a-z]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function parseSfDictionary(input: string): Map<string, SfDictionaryMember> {
  return new SfParser(input).dictionary();
}

/** RFC 8941 §4.1.6: a String is printable ASCII in quotes, with `"` and `\` escaped. */
export function serializeSfString(value: string): string {
  if (!PRINTABLE_ASCII.test(value)) {
    throw new DataPlaneError('signature.invalid_argument', 'a structured-field string must be printable ASCII');
  }
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** RFC 8941 §4.1.4: at most 15 decimal digits. */
export function serializeSfInteger(value: number): string {
  if (!Number.isSafeInteger(value) || Math.abs(value) > SF_INTEGER_MAX) {
    throw new DataPlaneError('signature.invalid_argument', `${value} is not a structured-field integer`);
  }
  return String(value);
}

function malformed(message: string): DataPlaneError {
  return new DataPlaneError('signature.malformed', `structured field: ${message}`);
}

/** A cursor over one field value, with one method per RFC 8941 §4.2 algorithm. */
class SfParser {
  private pos = 0;

  constructor(private readonly input: string) {
    if (!/^[\x00-\x7f]*$/.test(input)) throw malformed('non-ASCII character');
  }

  /** §4.2 with field type "dictionary": leading SP, the members, then nothing but SP. */
  dictionary(): Map<string, SfDictionaryMember> {
    this.skip(' ');
    const members = this.dictionaryMembers();
    this.skip(' ');
    if (!this.atEnd()) throw malformed(`unexpected "${this.peek()}" at ${this.pos}`);
    return members;
  }

  private dictionaryMembers(): Map<string, SfDictionaryMember> {
    const members = new Map<string, SfDictionaryMember>();
    while (!this.atEnd()) {
      const key = this.key();
      let member: SfDictionaryMember;
      if (this.peek() === '=') {
        this.pos += 1;
        const start = this.pos;
        const value = this.itemOrInnerList();
        member = { value, raw: this.input.slice(start, this.pos) };
      } else {
        const start = this.pos;
        const params = this.parameters();
        member = {
          value: { kind: 'item', value: { type: 'boolean', value: true }, params },
          raw: this.input.slice(start, this.pos),
        };
      }
      members.set(key, member);
      this.skipOws();
      if (this.atEnd()) return members;
      if (this.take() !== ',') throw malformed(`expected "," at ${this.pos - 1}`);
      this.skipOws();
      if (this.atEnd()) throw malformed('trailing comma');
    }
    return members;
  }

  private itemOrInnerList(): SfItem | SfInnerList {
    return this.peek() === '(' ? this.innerList() : this.item();
  }

  private innerList(): SfInnerList {
    this.expect('(');
    const items: SfItem[] = [];
    while (!this.atEnd()) {
      this.skip(' ');
      if (this.peek() === ')') {
        this.pos += 1;
        return { kind: 'inner-list', items, params: this.parameters() };
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== ' ' && next !== ')') throw malformed(`expected SP or ")" at ${this.pos}`);
    }
    throw malformed('unterminated inner list');
  }

  private item(): SfItem {
    const value = this.bareItem();
    return { kind: 'item', value, params: this.parameters() };
  }

  private parameters(): SfParameters {
    const params = new Map<string, BareItem>();
    while (this.peek() === ';') {
      this.pos += 1;
      this.skip(' ');
      const key = this.key();
      let value: BareItem = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.pos += 1;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  private key(): string {
    const first = this.peek();
    if (first === undefined || !(LCALPHA.test(first) || first === '*'))
      throw malformed(`expected a key at ${this.pos}`);
    const start = this.pos;
    while (!this.atEnd() && KEY_CHAR.test(this.peek() as string)) this.pos += 1;
    return this.input.slice(start, this.pos);
  }

  private bareItem(): BareItem {
    const first = this.peek();
    if (first === undefined) throw malformed('expected an item, found the end');
    if (first === '-' || DIGIT.test(first)) return this.number();
    if (first === '"') return { type: 'string', value: this.string() };
    if (first === '*' || ALPHA.test(first)) return { type: 'token', value: this.token() };
    if (first === ':') return { type: 'binary', value: this.binary() };
    if (first === '?') return { type: 'boolean', value: this.boolean() };
    throw malformed(`unexpected "${first}" at ${this.pos}`);
  }

  /** §4.2.4: up to 15 integer digits, or 12 + "." + up to 3 for a Decimal. */
  private number(): BareItem {
    let sign = 1;
    if (this.peek() === '-') {
      this.pos += 1;
      sign = -1;
    }
    const first = this.peek();
    if (first === undefined || !DIGIT.test(first)) throw malformed(`expected a digit at ${this.pos}`);
    let digits = '';
    let decimal = false;
    while (!this.atEnd()) {
      const char = this.peek() as string;
      if (DIGIT.test(char)) {
        digits += char;
      } else if (!decimal && char === '.') {
        if (digits.length > 12) throw malformed('decimal with more than 12 integer digits');
        digits += char;
        decimal = true;
      } else {
        break;
      }
      this.pos += 1;
      if (!decimal && digits.length > 15) throw malformed('integer with more than 15 digits');
      if (decimal && digits.length > 16) throw malformed('decimal too long');
    }
    if (!decimal) return { type: 'integer', value: sign * Number.parseInt(digits, 10) };
    if (digits.endsWith('.')) throw malformed('decimal ends with "."');
    if (digits.length - digits.indexOf('.') - 1 > 3) throw malformed('decimal with more than 3 fraction digits');
    return { type: 'decimal', value: sign * Number.parseFloat(digits) };
  }

  /** §4.2.5 */
  private string(): string {
    this.expect('"');
    let out = '';
    while (!this.atEnd()) {
      const char = this.take() as string;
      if (char === '\\') {
        const escaped = this.take();
        if (escaped !== '"' && escaped !== '\\') throw malformed('bad escape in string');
        out += escaped;
      } else if (char === '"') {
        return out;
      } else if (char < '\x20' || char > '\x7e') {
        throw malformed('control character in string');
      } else {
        out += char;
      }
    }
    throw malformed('unterminated string');
  }

  /** §4.2.6 */
  private token(): string {
    const start = this.pos;
    this.pos += 1;
    while (!this.atEnd() && TOKEN_CHAR.test(this.peek() as string)) this.pos += 1;
    return this.input.slice(start, this.pos);
  }

  /** §4.2.7: base64 between colons; missing padding is tolerated as the RFC asks. */
  private binary(): Uint8Array {
    this.expect(':');
    const end = this.input.indexOf(':', this.pos);
    if (end < 0) throw malformed('unterminated byte sequence');
    const content = this.input.slice(this.pos, end);
    this.pos = end + 1;
    if (!BASE64.test(content)) throw malformed('byte sequence is not base64');
    return new Uint8Array(Buffer.from(content, 'base64'));
  }

  /** §4.2.8 */
  private boolean(): boolean {
    this.expect('?');
    const char = this.take();
    if (char === '1') return true;
    if (char === '0') return false;
    throw malformed('boolean must be ?0 or ?1');
  }

  private expect(char: string): void {
    if (this.take() !== char) throw malformed(`expected "${char}" at ${this.pos - 1}`);
  }

  private skip(char: string): void {
    while (this.peek() === char) this.pos += 1;
  }

  /** OWS: SP or HTAB. */
  private skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }

  private peek(): string | undefined {
    return this.input[this.pos];
  }

  private take(): string | undefined {
    const char = this.input[this.pos];
    if (char !== undefined) this.pos += 1;
    return char;
  }

  private atEnd(): boolean {
    return this.pos >= this.input.length;
  }
}
