import type { ObjectProblem } from './scrub-finding';

/** What an object's plaintext must hash to: the object row's figures, or its committed anchor's. */
export interface ExpectedDigest {
  /** Where the figures come from, for the finding's detail: `row` or `anchor <txId>`. */
  readonly source: string;
  readonly size: number;
  readonly sha256: string | null;
  readonly chunkSize: number;
  readonly chunkRoot: string | null;
}

/** What the scrubber computed from the plaintext it read back. */
export interface ActualDigest {
  readonly size: number;
  readonly sha256: string;
  readonly chunkSize: number;
  readonly chunkRoot: string;
}

/**
 * The problems of a read-back digest against one expectation: a size that
 * differs is `size_mismatch` (the hashes then cannot agree, so they are not
 * reported again); a missing or different SHA-256 or chunk root, or a chunk
 * root over another chunk size, is `hash_mismatch`. Pure: the scrubber calls
 * it once with the row and once with the anchor.
 */
export function digestProblems(expected: ExpectedDigest, actual: ActualDigest): ObjectProblem[] {
  if (expected.size !== actual.size)
    return [
      {
        kind: 'size_mismatch',
        detail: `${expected.source} says ${expected.size} bytes, the stored object holds ${actual.size}`,
      },
    ];
  const problems: ObjectProblem[] = [];
  if (expected.sha256 !== actual.sha256)
    problems.push({
      kind: 'hash_mismatch',
      detail: `${expected.source} has sha256 ${expected.sha256 ?? '(none)'}, the stored object hashes to ${actual.sha256}`,
    });
  if (expected.chunkSize !== actual.chunkSize)
    problems.push({
      kind: 'hash_mismatch',
      detail: `${expected.source} has chunk size ${expected.chunkSize}, the object was digested with ${actual.chunkSize}`,
    });
  else if (expected.chunkRoot !== actual.chunkRoot)
    problems.push({
      kind: 'hash_mismatch',
      detail: `${expected.source} has chunk root ${expected.chunkRoot ?? '(none)'}, the stored object's is ${actual.chunkRoot}`,
    });
  return problems;
}
