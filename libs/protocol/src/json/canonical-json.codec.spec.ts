import canonicalizeReference from 'canonicalize';
import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { protocolJson } from '../testing/json.arbitrary';
import { canonicalBytes, canonicalize } from './canonical-json.codec';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  throw new Error('expected a ProtocolError');
};

describe('canonicalize (RFC 8785, integer-only)', () => {
  it('escapes strings as in RFC 8785 §3.2.2', () => {
    // The RFC's input is the JSON string "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/".
    const value = '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/';
    expect(canonicalize(value)).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    expect(canonicalize([null, true, false])).toBe('[null,true,false]');
  });

  it('sorts keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalize({ '\uffff': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\uffff":1}');
  });

  it('escapes controls with shorthands or lowercase \\u00xx and leaves DEL, / and U+2028 literal', () => {
    expect(canonicalize('\b\t\n\f\r')).toBe('"\\b\\t\\n\\f\\r"');
    expect(canonicalize('\u0000\u001f')).toBe('"\\u0000\\u001f"');
    expect(canonicalize('\u007f/\u2028')).toBe('"\u007f/\u2028"');
  });

  it('writes safe integers as plain decimals and -0 as 0', () => {
    expect(canonicalize([0, -0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])).toBe(
      '[0,0,1,-1,9007199254740991,-9007199254740991]',
    );
  });

  it('returns UTF-8 bytes', () => {
    expect(Buffer.from(canonicalBytes({ b: 'é', a: 1 })).toString('hex')).toBe(
      Buffer.from('{"a":1,"b":"é"}', 'utf8').toString('hex'),
    );
  });

  it('rejects numbers that are not safe integers', () => {
    for (const n of [1.5, 2 ** 53, -(2 ** 53), NaN, Infinity, -Infinity, 1e300]) {
      expect(codeOf(() => canonicalize({ n }))).toBe('json.number_not_integer');
    }
  });

  it('rejects lone surrogates in values and keys', () => {
    for (const s of ['\ud800', '\udead', 'a\ud800b', '\udc00\ud800']) {
      expect(codeOf(() => canonicalize(s))).toBe('json.lone_surrogate');
      expect(codeOf(() => canonicalize({ [s]: 1 }))).toBe('json.lone_surrogate');
    }
  });

  it('rejects values that are not JSON, and omits undefined members like JSON.stringify', () => {
    for (const value of [
      undefined,
      [undefined],
      new Date(0),
      new Map(),
      new Uint8Array(1),
      1n,
      () => 1,
      Symbol('s'),
      new (class X {})(),
    ]) {
      expect(codeOf(() => canonicalize(value))).toBe('json.unsupported_value');
    }
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalize(Object.assign(Object.create(null) as object, { z: 1 }))).toBe('{"z":1}');
  });

  it('bounds nesting depth, which also stops cycles', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(codeOf(() => canonicalize(deep))).toBe('json.too_deep');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(codeOf(() => canonicalize(cyclic))).toBe('json.too_deep');
  });

  it('keeps an own "__proto__" member', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalize(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('matches the canonicalize package on generated JSON values', () => {
    fc.assert(
      fc.property(protocolJson, (value) => {
        expect(canonicalize(value)).toBe(canonicalizeReference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('is independent of key insertion order', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), fc.maxSafeInteger(), { maxKeys: 8 }),
        (dict) => {
          const reversed = Object.fromEntries(Object.entries(dict).reverse());
          expect(canonicalize(reversed)).toBe(canonicalize(dict));
        },
      ),
      { numRuns: 200 },
    );
  });
});
