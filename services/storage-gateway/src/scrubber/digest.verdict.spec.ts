import { digestProblems, type ActualDigest, type ExpectedDigest } from './digest.verdict';

const actual: ActualDigest = { size: 10, sha256: 'aa', chunkSize: 4, chunkRoot: 'rr' };
const expected: ExpectedDigest = { source: 'the object row', ...actual };

describe('digestProblems', () => {
  it('finds nothing when every figure agrees', () => {
    expect(digestProblems(expected, actual)).toEqual([]);
  });

  it('reports a different size alone, as size_mismatch', () => {
    const problems = digestProblems({ ...expected, size: 11, sha256: 'bb' }, actual);
    expect(problems).toEqual([{ kind: 'size_mismatch', detail: expect.stringContaining('11 bytes') }]);
  });

  it('reports a different or absent SHA-256 and chunk root as hash_mismatch, naming the source', () => {
    expect(digestProblems({ ...expected, sha256: 'bb' }, actual)).toEqual([
      { kind: 'hash_mismatch', detail: expect.stringMatching(/^the object row has sha256 bb/) },
    ]);
    expect(digestProblems({ ...expected, source: 'anchor t1', chunkRoot: null }, actual)).toEqual([
      { kind: 'hash_mismatch', detail: expect.stringMatching(/^anchor t1 has chunk root \(none\)/) },
    ]);
  });

  it('reports a root over another chunk size as hash_mismatch', () => {
    expect(digestProblems({ ...expected, chunkSize: 8 }, actual)).toEqual([
      { kind: 'hash_mismatch', detail: expect.stringContaining('chunk size 8') },
    ]);
  });
});
