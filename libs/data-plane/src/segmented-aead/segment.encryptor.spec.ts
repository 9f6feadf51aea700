import * as fc from 'fast-check';
import { DataPlaneError } from '../errors/data-plane.errors';
import { SEGMENT_HEADER_BYTES } from './segment-header.codec';
import { decryptSegment } from './segment.crypto';
import { SegmentEncryptor } from './segment.encryptor';
import { segmentCount } from './segment.layout';
import { errorCode, sealObject, splitAt, testKey } from './testing/segmented-object.builder';

const key = testKey(3);
const plaintextAndSplits = fc.record({
  plaintext: fc.uint8Array({ maxLength: 400 }),
  segmentSize: fc.integer({ min: 16, max: 64 }),
  cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
});

describe('SegmentEncryptor', () => {
  it('emits the same segments as sealing whole, however the plaintext is split', () => {
    fc.assert(
      fc.property(plaintextAndSplits, ({ plaintext, segmentSize, cuts }) => {
        const { header, sealed } = sealObject(key, plaintext, segmentSize);
        const encryptor = new SegmentEncryptor(key, header);
        const emitted = splitAt(plaintext, cuts).flatMap((piece) => encryptor.push(piece));
        emitted.push(...encryptor.finish());
        expect(emitted).toHaveLength(segmentCount(header));
        expect(Buffer.concat(emitted)).toEqual(sealed.subarray(SEGMENT_HEADER_BYTES));
      }),
    );
  });

  it('emits a segment only once it is complete and buffers only the incomplete one', () => {
    const plaintext = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
    const { header } = sealObject(key, plaintext, 16);
    const encryptor = new SegmentEncryptor(key, header);
    expect(encryptor.push(plaintext.subarray(0, 15))).toHaveLength(0);
    expect(encryptor.pending()).toEqual(Uint8Array.from(plaintext.subarray(0, 15)));
    expect(encryptor.push(plaintext.subarray(15, 33))).toHaveLength(2);
    expect(encryptor.nextSegment()).toBe(2);
    expect(encryptor.pending()).toEqual(Uint8Array.from(plaintext.subarray(32, 33)));
    expect(encryptor.push(plaintext.subarray(33, 39))).toHaveLength(0);
    const [last] = encryptor.push(plaintext.subarray(39));
    expect(decryptSegment(key, header, 2, last)).toEqual(plaintext.subarray(32));
    expect(encryptor.nextSegment()).toBe(3);
    expect(encryptor.pending()).toHaveLength(0);
    expect(encryptor.finish()).toEqual([]);
  });

  it('returns a copy from pending()', () => {
    const { header } = sealObject(key, Buffer.alloc(40), 16);
    const encryptor = new SegmentEncryptor(key, header);
    encryptor.push(Buffer.from([1, 2, 3]));
    encryptor.pending().fill(9);
    expect(encryptor.pending()).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it('resumes from (nextSegment, pending) as if never interrupted', () => {
    fc.assert(
      fc.property(plaintextAndSplits, fc.nat(), ({ plaintext, segmentSize, cuts }, stop) => {
        const { header, sealed } = sealObject(key, plaintext, segmentSize);
        const interruptAt = stop % (plaintext.length + 1);
        const before = new SegmentEncryptor(key, header);
        const emitted = splitAt(plaintext.subarray(0, interruptAt), cuts).flatMap((piece) => before.push(piece));
        const after = new SegmentEncryptor(key, header, before.nextSegment(), before.pending());
        emitted.push(...after.push(plaintext.subarray(interruptAt)), ...after.finish());
        expect(Buffer.concat(emitted)).toEqual(sealed.subarray(SEGMENT_HEADER_BYTES));
      }),
    );
  });

  it('seals an empty object as one empty segment at finish()', () => {
    const { header, sealed } = sealObject(key, new Uint8Array(0), 16);
    const encryptor = new SegmentEncryptor(key, header);
    const segments = encryptor.finish();
    expect(Buffer.concat(segments)).toEqual(sealed.subarray(SEGMENT_HEADER_BYTES));
    expect(segments[0]).toHaveLength(16);
    expect(encryptor.nextSegment()).toBe(1);
  });

  it('refuses plaintext beyond plaintextSize without consuming any of it', () => {
    const plaintext = Buffer.alloc(20, 5);
    const { header, sealed } = sealObject(key, plaintext, 16);
    const encryptor = new SegmentEncryptor(key, header);
    const first = encryptor.push(plaintext.subarray(0, 18));
    expect(errorCode(() => encryptor.push(Buffer.alloc(3)))).toBe('segment.invalid_argument');
    expect(encryptor.pending()).toEqual(Uint8Array.from(plaintext.subarray(16, 18)));
    const rest = encryptor.push(plaintext.subarray(18));
    expect(Buffer.concat([...first, ...rest])).toEqual(sealed.subarray(SEGMENT_HEADER_BYTES));
    expect(errorCode(() => encryptor.push(Buffer.alloc(1)))).toBe('segment.invalid_argument');
  });

  it('fails finish() with segment.truncated while plaintext is missing', () => {
    const { header } = sealObject(key, Buffer.alloc(40), 16);
    const encryptor = new SegmentEncryptor(key, header);
    encryptor.push(Buffer.alloc(33));
    expect(() => encryptor.finish()).toThrow(
      new DataPlaneError('segment.truncated', 'the plaintext ended 7 bytes short of 40', { missing: 7 }),
    );
    expect(errorCode(() => encryptor.finish())).toBe('segment.truncated');
  });

  it('refuses a resume state that the header cannot have produced', () => {
    const { header } = sealObject(key, Buffer.alloc(40), 16);
    expect(errorCode(() => new SegmentEncryptor(key, header, 4))).toBe('segment.invalid_argument');
    expect(errorCode(() => new SegmentEncryptor(key, header, -1))).toBe('segment.invalid_argument');
    expect(errorCode(() => new SegmentEncryptor(key, header, 2, Buffer.alloc(9)))).toBe('segment.invalid_argument');
    expect(errorCode(() => new SegmentEncryptor(key, header, 3, Buffer.alloc(1)))).toBe('segment.invalid_argument');
    expect(errorCode(() => new SegmentEncryptor(new Uint8Array(31), header))).toBe('segment.invalid_argument');
    expect(new SegmentEncryptor(key, header, 3).finish()).toEqual([]);
  });
});
