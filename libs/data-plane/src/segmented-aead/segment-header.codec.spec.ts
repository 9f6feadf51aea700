import * as fc from 'fast-check';
import {
  decodeSegmentHeader,
  DEFAULT_SEGMENT_SIZE,
  encodeSegmentHeader,
  MAX_SEGMENT_SIZE,
  MIN_SEGMENT_SIZE,
  newSegmentHeader,
  SEGMENT_HEADER_BYTES,
  SegmentHeader,
} from './segment-header.codec';
import {
  ciphertextSize,
  segmentCiphertextOffset,
  segmentCount,
  segmentPlaintextSize,
  segmentsCovering,
} from './segment.layout';
import { countingRandom, errorCode } from './testing/segmented-object.builder';

const header = (plaintextSize: number, segmentSize = 16): SegmentHeader =>
  newSegmentHeader(plaintextSize, { segmentSize, random: countingRandom(1) });

/** A valid encoded header with bytes [offset, offset+bytes.length) replaced. */
function patched(offset: number, bytes: number[]): Uint8Array {
  const encoded = Buffer.from(encodeSegmentHeader(header(100)));
  encoded.set(bytes, offset);
  return encoded;
}

describe('segment header codec', () => {
  it('round-trips every valid header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_SEGMENT_SIZE, max: MAX_SEGMENT_SIZE }),
        fc.integer({ min: 0, max: 2 ** 36 }), // 2^36 / 16 = the 2^32 segments allowed
        fc.uint8Array({ minLength: 7, maxLength: 7 }),
        (segmentSize, plaintextSize, noncePrefix) => {
          const h: SegmentHeader = { version: 1, segmentSize, plaintextSize, noncePrefix };
          const encoded = encodeSegmentHeader(h);
          expect(encoded).toHaveLength(SEGMENT_HEADER_BYTES);
          expect(decodeSegmentHeader(encoded)).toEqual({ ...h, noncePrefix: Uint8Array.from(noncePrefix) });
        },
      ),
    );
  });

  it('lays the fields out as magic ‖ version ‖ segmentSize u32 BE ‖ plaintextSize u64 BE ‖ noncePrefix', () => {
    const h: SegmentHeader = {
      version: 1,
      segmentSize: 0x10000,
      plaintextSize: 0x0102030405,
      noncePrefix: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]),
    };
    expect(Buffer.from(encodeSegmentHeader(h)).toString('hex')).toBe(
      '41435347' + '01' + '00010000' + '0000000102030405' + '01020304050607',
    );
  });

  it('draws the nonce prefix from the RandomSource and defaults to 64 KiB segments', () => {
    const h = newSegmentHeader(5, { random: countingRandom(0xf0) });
    expect(h).toEqual({
      version: 1,
      segmentSize: DEFAULT_SEGMENT_SIZE,
      plaintextSize: 5,
      noncePrefix: Uint8Array.from([0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6]),
    });
    expect(newSegmentHeader(5).noncePrefix).toHaveLength(7);
  });

  it.each([
    ['too short', encodeSegmentHeader(header(100)).subarray(0, 23)],
    ['too long', Buffer.concat([encodeSegmentHeader(header(100)), Buffer.from([0])])],
    ['wrong magic', patched(0, [0x41, 0x43, 0x53, 0x48])],
    ['version 0', patched(4, [0])],
    ['version 2', patched(4, [2])],
    ['segment size below the minimum', patched(5, [0, 0, 0, 15])],
    ['segment size above the maximum', patched(5, [0x01, 0, 0, 1])],
    ['plaintext size above 2^53-1', patched(9, [0, 0x20, 0, 0, 0, 0, 0, 0])],
    ['more than 2^32 segments', patched(9, [0, 0, 0, 0x10, 0, 0, 0, 1])],
  ])('refuses a header with %s', (_, bytes) => {
    expect(errorCode(() => decodeSegmentHeader(bytes))).toBe('segment.header_invalid');
  });

  it('accepts the largest plaintext size and exactly 2^32 segments', () => {
    expect(decodeSegmentHeader(patched(9, [0, 0, 0, 0x10, 0, 0, 0, 0])).plaintextSize).toBe(2 ** 36);
    expect(segmentCount(header(2 ** 32 * 16))).toBe(2 ** 32);
  });

  it('refuses to create or encode an invalid header', () => {
    expect(errorCode(() => header(-1))).toBe('segment.invalid_argument');
    expect(errorCode(() => header(1.5))).toBe('segment.invalid_argument');
    expect(errorCode(() => header(2 ** 53))).toBe('segment.invalid_argument');
    expect(errorCode(() => header(10, 15))).toBe('segment.invalid_argument');
    expect(errorCode(() => header(10, MAX_SEGMENT_SIZE + 1))).toBe('segment.invalid_argument');
    expect(errorCode(() => newSegmentHeader(10, { random: () => new Uint8Array(6) }))).toBe('segment.invalid_argument');
    const bad = { ...header(10), noncePrefix: new Uint8Array(8) };
    expect(errorCode(() => encodeSegmentHeader(bad))).toBe('segment.invalid_argument');
  });
});

describe('segment layout', () => {
  it('gives an empty object one empty segment', () => {
    const h = header(0);
    expect(segmentCount(h)).toBe(1);
    expect(segmentPlaintextSize(h, 0)).toBe(0);
    expect(ciphertextSize(h)).toBe(24 + 16);
    expect(segmentCiphertextOffset(h, 0)).toBe(24);
  });

  it.each([
    [1, 1, [1]],
    [15, 1, [15]],
    [16, 1, [16]],
    [17, 2, [16, 1]],
    [40, 3, [16, 16, 8]],
  ])('cuts %i bytes into %i segments', (size, count, sizes) => {
    const h = header(size);
    expect(segmentCount(h)).toBe(count);
    expect(sizes.map((_, i) => segmentPlaintextSize(h, i))).toEqual(sizes);
    expect(sizes.map((_, i) => segmentCiphertextOffset(h, i))).toEqual(sizes.map((_, i) => 24 + i * 32));
    expect(ciphertextSize(h)).toBe(24 + size + 16 * count);
  });

  it('refuses segment indexes outside the object', () => {
    const h = header(40);
    for (const index of [-1, 3, 0.5, NaN]) {
      expect(errorCode(() => segmentPlaintextSize(h, index))).toBe('segment.invalid_argument');
      expect(errorCode(() => segmentCiphertextOffset(h, index))).toBe('segment.invalid_argument');
    }
  });

  it('finds the segments covering any range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 64 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(),
        fc.nat(),
        (segmentSize, size, a, b) => {
          const h = header(size, segmentSize);
          const [start, end] = [a % size, b % size].sort((x, y) => x - y);
          const { first, last } = segmentsCovering(h, { start, end });
          const segmentStart = (i: number): number => i * segmentSize;
          expect(start).toBeGreaterThanOrEqual(segmentStart(first));
          expect(start).toBeLessThan(segmentStart(first) + segmentPlaintextSize(h, first));
          expect(end).toBeGreaterThanOrEqual(segmentStart(last));
          expect(end).toBeLessThan(segmentStart(last) + segmentPlaintextSize(h, last));
        },
      ),
    );
  });

  it.each([[{ start: 0, end: 40 }], [{ start: -1, end: 3 }], [{ start: 5, end: 4 }], [{ start: 0.5, end: 4 }]])(
    'refuses the range %o of a 40-byte object',
    (range) => {
      expect(errorCode(() => segmentsCovering(header(40), range))).toBe('segment.invalid_argument');
    },
  );

  it('has no range at all in an empty object', () => {
    expect(errorCode(() => segmentsCovering(header(0), { start: 0, end: 0 }))).toBe('segment.invalid_argument');
  });
});
