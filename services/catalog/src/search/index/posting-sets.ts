// Set algebra on posting lists for the directory index: intersection, union, difference, phrase succession.

/** A set of ordinals in increasing order with a score each, and (for phrases) the matched word positions of each. */
export interface Matches {
  readonly ords: number[];
  readonly scores: number[];
  readonly positions?: (readonly number[])[];
}

export function intersect(a: Matches, b: Matches): Matches {
  const ords: number[] = [];
  const scores: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ords.length && j < b.ords.length) {
    const x = a.ords[i] as number;
    const y = b.ords[j] as number;
    if (x === y) {
      ords.push(x);
      scores.push((a.scores[i] as number) + (b.scores[j] as number));
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return { ords, scores };
}

/** Documents where `right` follows `left` at `distance` positions; the positions kept are the right side's. */
export function follow(left: Matches, right: Matches, distance: number): Matches {
  const ords: number[] = [];
  const scores: number[] = [];
  const positions: (readonly number[])[] = [];
  let i = 0;
  let j = 0;
  while (i < left.ords.length && j < right.ords.length) {
    const x = left.ords[i] as number;
    const y = right.ords[j] as number;
    if (x < y) i += 1;
    else if (y < x) j += 1;
    else {
      const before = new Set((left.positions?.[i] ?? []).map((p) => p + distance));
      const ends = (right.positions?.[j] ?? []).filter((p) => before.has(p));
      if (ends.length > 0) {
        ords.push(x);
        scores.push((left.scores[i] as number) + (right.scores[j] as number));
        positions.push(ends);
      }
      i += 1;
      j += 1;
    }
  }
  return { ords, scores, positions };
}

export function union(a: Matches, b: Matches): Matches {
  const ords: number[] = [];
  const scores: number[] = [];
  const withPositions = a.positions !== undefined && b.positions !== undefined;
  const positions: (readonly number[])[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ords.length || j < b.ords.length) {
    const x = i < a.ords.length ? (a.ords[i] as number) : Infinity;
    const y = j < b.ords.length ? (b.ords[j] as number) : Infinity;
    if (x === y) {
      ords.push(x);
      scores.push((a.scores[i] as number) + (b.scores[j] as number));
      if (withPositions)
        positions.push([...(a.positions?.[i] ?? []), ...(b.positions?.[j] ?? [])].sort((p, q) => p - q));
      i += 1;
      j += 1;
    } else if (x < y) {
      ords.push(x);
      scores.push(a.scores[i] as number);
      if (withPositions) positions.push(a.positions?.[i] ?? []);
      i += 1;
    } else {
      ords.push(y);
      scores.push(b.scores[j] as number);
      if (withPositions) positions.push(b.positions?.[j] ?? []);
      j += 1;
    }
  }
  return withPositions ? { ords, scores, positions } : { ords, scores };
}

export function difference(a: Matches, b: Matches): Matches {
  const ords: number[] = [];
  const scores: number[] = [];
  let j = 0;
  for (let i = 0; i < a.ords.length; i++) {
    const x = a.ords[i] as number;
    while (j < b.ords.length && (b.ords[j] as number) < x) j += 1;
    if (b.ords[j] === x) continue;
    ords.push(x);
    scores.push(a.scores[i] as number);
  }
  return { ords, scores };
}
