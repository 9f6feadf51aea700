import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { refLeafHash, refRoot } from '@accord/protocol/testing';
import { DEFAULT_CHUNK_SIZE } from './chunk.layout';
import { ObjectDigest, ObjectDigester } from './object.digester';

/** The digest computed straight from the whole bytes: slices, reference leaf hashes, reference root. */
function referenceDigest(bytes: Uint8Array, chunkSize: number): ObjectDigest {
  const leaves: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunkSize) {
    leaves.push(refLeafHash(bytes.subarray(start, start + chunkSize)));
  }
  return {
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    chunkSize,
    chunkCount: leaves.length,
    chunkRoot: refRoot(leaves).toString('hex'),
    leafHashes: Buffer.concat(leaves),
  };
}

function digestInPieces(bytes: Uint8Array, chunkSize: number, cuts: readonly number[]): ObjectDigest {
  const digester = new ObjectDigester(chunkSize);
  let start = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    digester.update(bytes.subarray(start, Math.max(start, cut)));
    start = Math.max(start, cut);
  }
  digester.update(bytes.subarray(start));
  expect(digester.bytes()).toBe(bytes.length);
  return digester.digest();
}

describe('ObjectDigester', () => {
  it('matches the reference digest for any bytes, chunk size and update split', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.nat()),
        (bytes, chunkSize, cuts) => {
          expect(digestInPieces(bytes, chunkSize, cuts)).toEqual(referenceDigest(bytes, chunkSize));
        },
      ),
    );
  });

  it('reproduces the worked example of docs/data-plane-formats.md', () => {
    const digester = new ObjectDigester(4);
    digester.update(Buffer.from('abcdefghij'));
    const digest = digester.digest();
    expect(digest.sha256).toBe('72399361da6a7754fec986dca5b7cbaf1c810a28ded4abaf56b2106d06cb78b0');
    expect(digest.chunkCount).toBe(3);
    expect(digest.leafHashes.toString('hex')).toBe(
      'b4768f09ca070169db2f5962745531650515dbd00ea5bf393cd88fec601d598a' +
        '3aac0bdbaff34540d716868ea9c743cd667dfbb1b46d30f9bbbec7ed16415e44' +
        '54e62ec3b5438e8e41c0ba6348b48f5e24bf8d6c19cd2c0e682011565d98b27d',
    );
    expect(digest.chunkRoot).toBe('2a5b33d54d89d05737a7dd798d9862d55951564aafb5460691ad8a7a9ab6c678');
  });

  it('digests an empty object as zero chunks under the empty-tree root', () => {
    const digest = new ObjectDigester().digest();
    const emptySha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(digest).toEqual({
      size: 0,
      sha256: emptySha,
      chunkSize: DEFAULT_CHUNK_SIZE,
      chunkCount: 0,
      chunkRoot: emptySha,
      leafHashes: Buffer.alloc(0),
    });
  });

  it('cuts at the default 1 MiB chunk size', () => {
    const bytes = Buffer.alloc(DEFAULT_CHUNK_SIZE * 2 + 5, 0x5a);
    const digester = new ObjectDigester();
    digester.update(bytes);
    const digest = digester.digest();
    expect(digest.chunkCount).toBe(3);
    expect(digest).toEqual(referenceDigest(bytes, DEFAULT_CHUNK_SIZE));
  });

  it('snapshots with copy(): both digesters continue independently', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (prefix, left, right, chunkSize) => {
          const original = new ObjectDigester(chunkSize);
          original.update(prefix);
          const snapshot = original.copy();
          original.update(left);
          snapshot.update(right);
          expect(original.digest()).toEqual(referenceDigest(Buffer.concat([prefix, left]), chunkSize));
          expect(snapshot.digest()).toEqual(referenceDigest(Buffer.concat([prefix, right]), chunkSize));
        },
      ),
    );
  });

  it('returns the same digest on a second call and refuses updates after it', () => {
    const digester = new ObjectDigester(4);
    digester.update(Buffer.from('abcdefghij'));
    const first = digester.digest();
    expect(digester.digest()).toBe(first);
    expect(() => digester.update(Buffer.from('k'))).toThrow(
      expect.objectContaining({ code: 'chunk.invalid_argument' }),
    );
    expect(() => digester.copy()).toThrow(expect.objectContaining({ code: 'chunk.invalid_argument' }));
  });

  it('refuses a chunk size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, NaN]) {
      expect(() => new ObjectDigester(size)).toThrow(expect.objectContaining({ code: 'chunk.invalid_argument' }));
    }
  });
});
