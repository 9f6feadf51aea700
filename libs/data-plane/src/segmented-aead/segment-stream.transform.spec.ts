import * as fc from 'fast-check';
import { DataPlaneError } from '../errors/data-plane.errors';
import { SegmentHeader } from './segment-header.codec';
import { rangeDecryptTransform, segmentEncryptTransform } from './segment-stream.transform';
import { segmentCiphertextOffset, segmentPlaintextSize, segmentsCovering } from './segment.layout';
import { errorCode, runTransform, sealObject, splitAt, testKey } from './testing/segmented-object.builder';

const key = testKey(4);

/** The ciphertext bytes of segments first..last: what a reader fetches from the store for a range. */
function coveringCiphertext(header: SegmentHeader, sealed: Uint8Array, first: number, last: number): Uint8Array {
  const end = segmentCiphertextOffset(header, last) + segmentPlaintextSize(header, last) + 16;
  return sealed.subarray(segmentCiphertextOffset(header, first), end);
}

async function failureOf(run: Promise<unknown>): Promise<string | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    if (error instanceof DataPlaneError) return error.code;
    throw error;
  }
}

describe('segmentEncryptTransform', () => {
  it('emits the header then the segments, the same bytes however the input is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 16, max: 64 }),
        fc.array(fc.nat({ max: 400 })),
        async (plaintext, segmentSize, cuts) => {
          const { header, sealed } = sealObject(key, plaintext, segmentSize);
          const output = await runTransform(segmentEncryptTransform(key, header), splitAt(plaintext, cuts));
          expect(Buffer.concat(output)).toEqual(sealed);
          // One header, then one chunk per segment: nothing accumulates beyond a segment.
          expect(output.every((chunk) => chunk.length <= segmentSize + 16)).toBe(true);
        },
      ),
    );
  });

  it('fails with segment.truncated when the plaintext is shorter than the header says', async () => {
    const { header } = sealObject(key, Buffer.alloc(50), 16);
    const run = runTransform(segmentEncryptTransform(key, header), [Buffer.alloc(49)]);
    expect(await failureOf(run)).toBe('segment.truncated');
  });

  it('fails with segment.invalid_argument when the plaintext is longer than the header says', async () => {
    const { header } = sealObject(key, Buffer.alloc(50), 16);
    const run = runTransform(segmentEncryptTransform(key, header), [Buffer.alloc(40), Buffer.alloc(11)]);
    expect(await failureOf(run)).toBe('segment.invalid_argument');
  });
});

describe('rangeDecryptTransform', () => {
  it('returns exactly plaintext[start..end] for any range and any input split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.integer({ min: 16, max: 64 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat({ max: 500 })),
        async (plaintext, segmentSize, a, b, cuts) => {
          const { header, sealed } = sealObject(key, plaintext, segmentSize);
          const [start, end] = [a % plaintext.length, b % plaintext.length].sort((x, y) => x - y);
          const { first, last } = segmentsCovering(header, { start, end });
          const input = splitAt(coveringCiphertext(header, sealed, first, last), cuts);
          const output = await runTransform(rangeDecryptTransform(key, header, { start, end }), input);
          expect(Buffer.concat(output)).toEqual(Buffer.from(plaintext.subarray(start, end + 1)));
          expect(output.every((chunk) => chunk.length <= segmentSize)).toBe(true);
        },
      ),
    );
  });

  it('fails with segment.auth_failed on any changed byte, releasing only the segments before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), async (plaintext, at) => {
        const { header, sealed } = sealObject(key, plaintext, 16);
        const range = { start: 0, end: plaintext.length - 1 };
        const { last } = segmentsCovering(header, range);
        const ciphertext = Buffer.from(coveringCiphertext(header, sealed, 0, last));
        const flipped = at % ciphertext.length;
        ciphertext[flipped] ^= 0x01;
        const released: Buffer[] = [];
        const transform = rangeDecryptTransform(key, header, range);
        transform.on('data', (chunk: Buffer) => released.push(chunk));
        const failed = new Promise<unknown>((resolve) => transform.on('error', resolve));
        transform.end(ciphertext);
        expect(await failed).toMatchObject({
          code: 'segment.auth_failed',
          details: { index: Math.floor(flipped / 32) },
        });
        expect(Buffer.concat(released)).toEqual(Buffer.from(plaintext.subarray(0, Math.floor(flipped / 32) * 16)));
      }),
    );
  });

  it('fails with segment.truncated when the ciphertext ends early', async () => {
    const plaintext = Buffer.alloc(100, 3);
    const { header, sealed } = sealObject(key, plaintext, 16);
    const range = { start: 20, end: 70 };
    const { first, last } = segmentsCovering(header, range);
    const ciphertext = coveringCiphertext(header, sealed, first, last);
    for (const cut of [0, 1, 32, ciphertext.length - 1]) {
      const run = runTransform(rangeDecryptTransform(key, header, range), [ciphertext.subarray(0, cut)]);
      expect(await failureOf(run)).toBe('segment.truncated');
    }
  });

  it('fails when given segments other than the covering ones', async () => {
    const plaintext = Buffer.alloc(100, 3);
    const { header, sealed } = sealObject(key, plaintext, 16);
    const range = { start: 20, end: 40 }; // segments 1..2
    const shifted = coveringCiphertext(header, sealed, 2, 3);
    expect(await failureOf(runTransform(rangeDecryptTransform(key, header, range), [shifted]))).toBe(
      'segment.auth_failed',
    );
    const tooMuch = coveringCiphertext(header, sealed, 1, 3);
    expect(await failureOf(runTransform(rangeDecryptTransform(key, header, range), [tooMuch]))).toBe(
      'segment.invalid_argument',
    );
  });

  it('refuses a range outside the plaintext at once', () => {
    const { header } = sealObject(key, Buffer.alloc(100), 16);
    expect(errorCode(() => rangeDecryptTransform(key, header, { start: 90, end: 100 }))).toBe(
      'segment.invalid_argument',
    );
  });
});
