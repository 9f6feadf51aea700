import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { fromHex, isHex, toHex } from './hex.codec';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
};

describe('hex codec', () => {
  it('round-trips bytes as lowercase hex, also for views into larger buffers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toMatch(/^[0-9a-f]*$/);
        expect(Buffer.from(fromHex(hex, bytes.length))).toEqual(Buffer.from(bytes));
      }),
    );
    const backing = Buffer.from('00112233445566', 'hex');
    expect(toHex(backing.subarray(2, 4))).toBe('2233');
  });

  it('rejects uppercase, odd-length and non-hex input with hex.invalid', () => {
    for (const bad of ['AB', 'abc', 'zz', '0x00', ' 00', 'ab\n', 12 as unknown as string]) {
      expect(codeOf(() => fromHex(bad))).toBe('hex.invalid');
    }
  });

  it('rejects a wrong length with hex.wrong_length and names the field', () => {
    expect(codeOf(() => fromHex('00', 32))).toBe('hex.wrong_length');
    expect(() => fromHex('00', 32, 'prevHash')).toThrow(/prevHash must be 32 bytes/);
  });

  it('isHex checks format and exact length', () => {
    expect(isHex('00ff', 2)).toBe(true);
    expect(isHex('00FF', 2)).toBe(false);
    expect(isHex('00ff', 3)).toBe(false);
    expect(isHex(null, 0)).toBe(false);
  });
});
