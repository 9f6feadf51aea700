import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from './canonical-json.codec';
import { protocolJson } from '../testing/json.arbitrary';
import { parseCanonicalJson, parseCanonicalText, parseStrictJson } from './canonical-json.parser';

const codeOf = (input: Uint8Array | string, maxBytes?: number): string => {
  try {
    parseCanonicalJson(input, { maxBytes });
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('parseCanonicalJson', () => {
  it('accepts canonical JSON from bytes and strings', () => {
    const text = '{"a":[1,-2,true,false,null,"x\\ny"],"b":{"\u00e9":"😀"}}';
    const expected = { a: [1, -2, true, false, null, 'x\ny'], b: { é: '😀' } };
    expect(parseCanonicalJson(text)).toEqual(expected);
    expect(parseCanonicalJson(Buffer.from(text, 'utf8'))).toEqual(expected);
    expect(parseCanonicalJson('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCanonicalJson('"\\u0000\\u001f"')).toBe('\u0000\u001f');
  });

  it.each([
    ['{', 'json.malformed'],
    ['', 'json.malformed'],
    ['[1,]', 'json.malformed'],
    ['{"a" 1}', 'json.malformed'],
    ['{a:1}', 'json.malformed'],
    ["'a'", 'json.malformed'],
    ['tru', 'json.malformed'],
    ['01', 'json.malformed'],
    ['"a\nb"', 'json.malformed'],
    ['"\\x"', 'json.malformed'],
    ['"\\u12"', 'json.malformed'],
    ['[1] x', 'json.malformed'],
    ['\ufeff{}', 'json.malformed'],
    ['{"a":1,"a":1}', 'json.duplicate_key'],
    ['{"a":{"b":1,"b":2}}', 'json.duplicate_key'],
    ['{"b":1,"a":2}', 'json.non_canonical'],
    ['{"a": 1}', 'json.non_canonical'],
    [' 1', 'json.non_canonical'],
    ['1\n', 'json.non_canonical'],
    ['"\\u0041"', 'json.non_canonical'],
    ['"\\/"', 'json.non_canonical'],
    ['"\\u00E9"', 'json.non_canonical'],
    ['"\\ud83d\\ude00"', 'json.non_canonical'],
    ['-0', 'json.non_canonical'],
    ['1.0', 'json.number_not_integer'],
    ['1e2', 'json.number_not_integer'],
    ['-1.5E-3', 'json.number_not_integer'],
    ['9007199254740992', 'json.number_not_integer'],
    ['-9007199254740992', 'json.number_not_integer'],
    ['123456789012345678901234567890', 'json.number_not_integer'],
    ['"\\ud800"', 'json.lone_surrogate'],
    ['"\\udc00\\ud800"', 'json.lone_surrogate'],
    ['"\ud800"', 'json.lone_surrogate'],
    ['{"\\udead":1}', 'json.lone_surrogate'],
  ])('rejects %j with %s', (input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('parseStrictJson accepts what only differs from canonical form in layout, and nothing else the canonical reader refuses', () => {
    expect(parseStrictJson(' {"b": [1, 2],\n "a": "\\u0041\\/"} ')).toEqual({ b: [1, 2], a: 'A/' });
    expect(canonicalize(parseStrictJson('-0'))).toBe('0');
    const strictCode = (input: string): string => {
      try {
        parseStrictJson(input);
      } catch (error) {
        if (error instanceof ProtocolError) return error.code;
        throw error;
      }
      return 'accepted';
    };
    for (const input of ['{"a":1,"a":1}', '1.0', '1e2', '\ufeff{}', '"\\ud800"', '9007199254740992', '[1,]']) {
      expect([input, strictCode(input)]).toEqual([input, codeOf(input)]);
    }
    expect(strictCode('x'.repeat(20))).toBe('json.malformed');
    expect(() => parseStrictJson('[1]', { maxBytes: 2 })).toThrow(expect.objectContaining({ code: 'json.too_large' }));
  });

  it('rejects invalid UTF-8, including encoded surrogates and overlong forms', () => {
    expect(codeOf(Buffer.from([0x22, 0xff, 0x22]))).toBe('json.malformed');
    expect(codeOf(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toBe('json.malformed');
    expect(codeOf(Buffer.from([0x22, 0xc0, 0xaf, 0x22]))).toBe('json.malformed');
    expect(codeOf(Buffer.from([0xef, 0xbb, 0xbf, 0x31]))).toBe('json.malformed');
  });

  it('enforces the size limit in UTF-8 bytes before parsing', () => {
    expect(codeOf('"éé"', 5)).toBe('json.too_large');
    expect(parseCanonicalJson('"éé"', { maxBytes: 6 })).toBe('éé');
    expect(codeOf('x'.repeat(2_000_000))).toBe('json.too_large');
  });

  it('bounds nesting depth', () => {
    expect(codeOf('['.repeat(129) + ']'.repeat(129))).toBe('json.too_deep');
    expect(codeOf('['.repeat(100_000))).toBe('json.too_deep');
    expect(parseCanonicalJson('['.repeat(128) + ']'.repeat(128))).toBeDefined();
  });

  it('makes "__proto__" an own member without touching the prototype', () => {
    const value = parseCanonicalJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('round-trips every generated value and agrees with JSON.parse', () => {
    fc.assert(
      fc.property(protocolJson, (value) => {
        const text = canonicalize(value);
        const parsed = parseCanonicalJson(Buffer.from(text, 'utf8'));
        expect(parsed).toEqual(JSON.parse(text));
        expect(canonicalize(parsed)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws anything but ProtocolError on random bytes or strings', () => {
    const check = (input: Uint8Array | string): void => {
      try {
        const value = parseCanonicalJson(input);
        // Whatever is accepted really is canonical.
        expect(canonicalize(value)).toBe(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), check), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), check), { numRuns: 500 });
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            '{',
            '}',
            '[',
            ']',
            '"',
            ':',
            ',',
            '1',
            '-',
            '0',
            'e',
            '.',
            '\\',
            'u',
            'd',
            '8',
            ' ',
            'a',
          ),
          maxLength: 40,
        }),
        check,
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects or keeps canonical every single-byte mutation of a canonical document', () => {
    fc.assert(
      fc.property(protocolJson, fc.nat(), fc.nat(255), (value, at, byte) => {
        const bytes = Buffer.from(canonicalize(value), 'utf8');
        bytes[at % bytes.length] = byte;
        try {
          expect(canonicalize(parseCanonicalJson(bytes))).toBe(bytes.toString('utf8'));
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives exactly the verdict of the strict parser and value (its JSON.parse fast path changes nothing but speed)', () => {
    const verdict = (parse: () => unknown): unknown => {
      try {
        return { value: parse() };
      } catch (error) {
        if (error instanceof ProtocolError) return { code: error.code };
        throw error;
      }
    };
    const same = (text: string) =>
      expect(verdict(() => parseCanonicalJson(text))).toEqual(verdict(() => parseCanonicalText(text)));
    // What JSON.parse takes but the protocol refuses, each with its own code.
    for (const text of [
      '{"a":1,"a":1}',
      '{"a":1.5}',
      '{"a":1e3}',
      '9007199254740992',
      '"\\ud800"',
      '-0',
      '{"b":1,"a":2}',
      ' 1',
      '[1,2 ]',
      '"\\u00E9"',
      '{"__proto__":{"x":1}}',
    ])
      same(text);
    same('['.repeat(200) + ']'.repeat(200));
    fc.assert(
      fc.property(protocolJson, fc.nat(), fc.nat(127), (value, at, code) => {
        const text = canonicalize(value);
        same(text);
        same(text.slice(0, at % (text.length + 1)) + String.fromCharCode(code) + text.slice(at % (text.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });
});
