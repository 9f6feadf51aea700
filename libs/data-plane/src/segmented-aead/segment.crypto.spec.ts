import * as fc from 'fast-check';
import vector from './testing/segment-format.vector.json';
import { decodeSegmentHeader, encodeSegmentHeader, newSegmentHeader, SegmentHeader } from './segment-header.codec';
import { decryptSegment, encryptSegment, segmentNonce } from './segment.crypto';
import { segmentCiphertextOffset, segmentCount, segmentPlaintextSize } from './segment.layout';
import {
  countingRandom,
  errorCode,
  openObject,
  sealObject,
  segmentSlice,
  testKey,
} from './testing/segmented-object.builder';

const key = testKey(1);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(bytes);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

/** The sealed bytes of segment `index` inside a sealed object. */
function segmentBytes(header: SegmentHeader, sealed: Uint8Array, index: number): Uint8Array {
  const offset = segmentCiphertextOffset(header, index);
  return sealed.subarray(offset, offset + segmentPlaintextSize(header, index) + 16);
}

describe('segment encryption', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['segment - 1', 15],
    ['one segment', 16],
    ['segment + 1', 17],
    ['many segments', 16 * 9 + 5],
  ])('round-trips a plaintext of size %s', (_, size) => {
    const plaintext = Buffer.from(Array.from({ length: size }, (_, i) => (i * 13) & 0xff));
    const { header, sealed } = sealObject(key, plaintext, 16);
    expect(sealed).toHaveLength(24 + size + 16 * segmentCount(header));
    expect(openObject(key, sealed)).toEqual(plaintext);
  });

  it('round-trips any plaintext at any small segment size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 16, max: 64 }), (plaintext, segmentSize) => {
        const { sealed } = sealObject(key, plaintext, segmentSize);
        expect(openObject(key, sealed)).toEqual(Buffer.from(plaintext));
      }),
    );
  });

  it('reproduces the format vector (testing/segment-format.vector.json)', () => {
    const plaintext = Buffer.from(vector.plaintext, 'hex');
    const header = newSegmentHeader(plaintext.length, {
      segmentSize: vector.segmentSize,
      random: () => Buffer.from(vector.noncePrefix, 'hex'),
    });
    const vectorKey = Buffer.from(vector.key, 'hex');
    expect(hex(encodeSegmentHeader(header))).toBe(vector.header);
    expect(segmentCount(header)).toBe(vector.segments.length);
    for (const segment of vector.segments) {
      expect(hex(segmentNonce(header, segment.index))).toBe(segment.nonce);
      expect(hex(segmentSlice(header, plaintext, segment.index))).toBe(segment.plaintext);
      expect(hex(encryptSegment(vectorKey, header, segment.index, Buffer.from(segment.plaintext, 'hex')))).toBe(
        segment.ciphertext,
      );
    }
    const sealed = Buffer.from(vector.header + vector.segments.map((s) => s.ciphertext).join(''), 'hex');
    expect(openObject(vectorKey, sealed)).toEqual(plaintext);
  });

  it('builds nonces as prefix ‖ u32 BE index ‖ last flag', () => {
    const header = newSegmentHeader(16 * 300, { segmentSize: 16, random: countingRandom(0x10) });
    expect(hex(segmentNonce(header, 0))).toBe('10111213141516' + '00000000' + '00');
    expect(hex(segmentNonce(header, 258))).toBe('10111213141516' + '00000102' + '00');
    expect(hex(segmentNonce(header, 299))).toBe('10111213141516' + '0000012b' + '01');
  });

  it('detects any single-bit flip anywhere in a sealed object', () => {
    const plaintext = Buffer.from('Accord segmented AEAD: a worked example.');
    const { header, sealed } = sealObject(key, plaintext, 16);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const code = errorCode(() => openObject(key, flipBit(sealed, bit)));
      const byte = bit >> 3;
      if (byte >= 17) {
        // Nonce prefix or segment bytes: the header still parses, the tag does not verify.
        const index = byte < 24 ? 0 : Math.floor((byte - 24) / (header.segmentSize + 16));
        expect({ bit, code, index: failingIndex(flipBit(sealed, bit)) }).toEqual({
          bit,
          code: 'segment.auth_failed',
          index,
        });
      } else {
        expect({ bit, failed: code !== undefined }).toEqual({ bit, failed: true });
      }
    }
  });

  it('detects a bit flip in any segment of any object', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 16, max: 48 }), fc.nat(), (pt, size, bit) => {
        const { header, sealed } = sealObject(key, pt, size);
        const target = 24 * 8 + (bit % ((sealed.length - 24) * 8));
        const index = Math.floor((target / 8 - 24) / (header.segmentSize + 16));
        expect(errorCode(() => openObject(key, flipBit(sealed, target)))).toBe('segment.auth_failed');
        expect(failingIndex(flipBit(sealed, target))).toBe(index);
      }),
    );
  });

  it('detects a truncated object even when the header is rewritten to match', () => {
    const plaintext = Buffer.alloc(16 * 4, 7);
    const { header, sealed } = sealObject(key, plaintext, 16);
    const withoutLast = sealed.subarray(0, segmentCiphertextOffset(header, 3));
    expect(errorCode(() => openObject(key, withoutLast))).toBe('segment.truncated');
    // An attacker who also shrinks plaintextSize changes the AAD, and segment 2 was not sealed as the last one.
    const shortHeader = encodeSegmentHeader({ ...header, plaintextSize: 48 });
    const forged = Buffer.concat([shortHeader, withoutLast.subarray(24)]);
    expect(errorCode(() => openObject(key, forged))).toBe('segment.auth_failed');
    for (let cut = 24; cut < sealed.length; cut += 5) {
      expect(errorCode(() => openObject(key, sealed.subarray(0, cut)))).toBe('segment.truncated');
    }
  });

  it('detects a segment moved to another position', () => {
    const plaintext = Buffer.from(Array.from({ length: 16 * 4 + 3 }, (_, i) => i));
    const { header, sealed } = sealObject(key, plaintext, 16);
    const decryptAt = (index: number, from: number): string | undefined =>
      errorCode(() => decryptSegment(key, header, index, segmentBytes(header, sealed, from)));
    expect(decryptAt(1, 2)).toBe('segment.auth_failed');
    expect(decryptAt(2, 1)).toBe('segment.auth_failed');
    expect(decryptAt(0, 3)).toBe('segment.auth_failed');
    expect(decryptAt(2, 2)).toBeUndefined();
  });

  it('detects a segment taken from another object under the same key', () => {
    const plaintext = Buffer.alloc(48, 1);
    const mine = sealObject(key, plaintext, 16, countingRandom(1));
    const theirs = sealObject(key, plaintext, 16, countingRandom(2));
    for (let i = 0; i < 3; i++) {
      const foreign = segmentBytes(theirs.header, theirs.sealed, i);
      expect(errorCode(() => decryptSegment(key, mine.header, i, foreign))).toBe('segment.auth_failed');
    }
  });

  it('fails authentication under another key', () => {
    const { sealed } = sealObject(key, Buffer.from('secret'), 16);
    expect(errorCode(() => openObject(testKey(2), sealed))).toBe('segment.auth_failed');
  });

  it('refuses a wrong key size and segment lengths that do not match the layout', () => {
    const header = decodeSegmentHeader(sealObject(key, Buffer.alloc(20), 16).sealed.subarray(0, 24));
    expect(errorCode(() => encryptSegment(new Uint8Array(16), header, 0, Buffer.alloc(16)))).toBe(
      'segment.invalid_argument',
    );
    expect(errorCode(() => encryptSegment(key, header, 0, Buffer.alloc(15)))).toBe('segment.invalid_argument');
    expect(errorCode(() => encryptSegment(key, header, 1, Buffer.alloc(16)))).toBe('segment.invalid_argument');
    expect(errorCode(() => encryptSegment(key, header, 2, Buffer.alloc(0)))).toBe('segment.invalid_argument');
    expect(errorCode(() => decryptSegment(key, header, 1, Buffer.alloc(19)))).toBe('segment.invalid_argument');
    expect(errorCode(() => decryptSegment(key, header, 1, Buffer.alloc(20)))).toBe('segment.auth_failed');
  });

  /** The index in the details of the auth failure opening `sealed` raises. */
  function failingIndex(sealed: Uint8Array): unknown {
    try {
      openObject(key, sealed);
    } catch (error) {
      return (error as { details?: { index?: number } }).details?.index;
    }
    return undefined;
  }
});
