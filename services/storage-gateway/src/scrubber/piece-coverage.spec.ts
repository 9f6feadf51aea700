import { ciphertextBytesOf, segmentCountOf, segmentGaps } from './piece-coverage';

const run = (firstSegment: number, segmentCount: number) => ({ firstSegment, segmentCount });

describe('segmentGaps', () => {
  it('finds none when the pieces cover every segment, in any order', () => {
    expect(segmentGaps([run(3, 2), run(0, 3)], 5)).toEqual([]);
  });

  it('finds a lost piece in the middle, at the start and at the end', () => {
    expect(segmentGaps([run(0, 2), run(4, 1)], 5)).toEqual([{ first: 2, last: 3 }]);
    expect(segmentGaps([run(2, 3)], 5)).toEqual([{ first: 0, last: 1 }]);
    expect(segmentGaps([run(0, 3)], 5)).toEqual([{ first: 3, last: 4 }]);
  });

  it('finds every segment missing when no piece is recorded', () => {
    expect(segmentGaps([], 1)).toEqual([{ first: 0, last: 0 }]);
  });

  it('takes overlapping pieces and pieces beyond the end as covering', () => {
    expect(segmentGaps([run(0, 3), run(1, 3), run(4, 9)], 5)).toEqual([]);
  });
});

describe('segmentCountOf and ciphertextBytesOf', () => {
  it('count one segment for an empty object and a tag per segment begun', () => {
    expect(segmentCountOf(0, 65536)).toBe(1);
    expect(segmentCountOf(65537, 65536)).toBe(2);
    expect(ciphertextBytesOf(0, 65536, 16)).toBe(0);
    expect(ciphertextBytesOf(65536, 65536, 16)).toBe(65552);
    expect(ciphertextBytesOf(65537, 65536, 16)).toBe(65569);
  });
});
