/**
 * Readers of PostgreSQL's text forms of tsvector and tsquery (the 'simple'
 * configuration's output), so the in-memory directory index matches
 * exactly the lexemes PostgreSQL produced and the query PostgreSQL parsed
 * (websearch_to_tsquery): one tokenizer, PostgreSQL's.
 */

/** Field weight classes of a tsvector position: A title and keywords, B description, C publisher/domain/owner. */
export type WeightClass = 'A' | 'B' | 'C' | 'D';

export interface LexemeEntry {
  readonly lexeme: string;
  /** Occurrences per weight class. */
  readonly counts: Readonly<Record<WeightClass, number>>;
  /** Word positions, increasing (for phrases). */
  readonly positions: readonly number[];
}

/** Reads a quoted lexeme at `i` ('it''s' form); answers it and the index after the closing quote. */
function quoted(text: string, i: number): [string, number] {
  if (text[i] !== "'") throw new Error(`expected a quoted lexeme at ${i}`);
  let out = '';
  let j = i + 1;
  for (;;) {
    const c = text[j];
    if (c === undefined) throw new Error('unterminated lexeme');
    if (c === "'") {
      if (text[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return [out, j + 1];
    }
    if (c === '\\') {
      out += text[j + 1] ?? '';
      j += 2;
      continue;
    }
    out += c;
    j += 1;
  }
}

/** `'air':3,17B 'water':5A` → lexemes with their occurrences per weight class. */
export function parseTsvector(text: string): LexemeEntry[] {
  const out: LexemeEntry[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i += 1;
      continue;
    }
    const [lexeme, after] = quoted(text, i);
    const counts: Record<WeightClass, number> = { A: 0, B: 0, C: 0, D: 0 };
    const positions: number[] = [];
    i = after;
    if (text[i] === ':') {
      i += 1;
      for (;;) {
        const from = i;
        while (i < text.length && (text[i] as string) >= '0' && (text[i] as string) <= '9') i += 1;
        positions.push(Number(text.slice(from, i)));
        const w = text[i];
        if (w === 'A' || w === 'B' || w === 'C' || w === 'D') {
          counts[w] += 1;
          i += 1;
        } else counts.D += 1;
        if (text[i] !== ',') break;
        i += 1;
      }
    } else counts.D += 1;
    out.push({ lexeme, counts, positions });
  }
  return out;
}

/** A parsed tsquery; `phrase`: `right` follows `left` at `distance` positions (`<->` is 1, `<N>` is N). */
export type TsQuery =
  | { readonly op: 'term'; readonly lexeme: string; readonly prefix: boolean }
  | { readonly op: 'and' | 'or'; readonly left: TsQuery; readonly right: TsQuery }
  | { readonly op: 'phrase'; readonly left: TsQuery; readonly right: TsQuery; readonly distance: number }
  | { readonly op: 'not'; readonly arg: TsQuery };

/**
 * Parses the text form of a tsquery (`'air' & !'water' | 'tra':*`,
 * `'a' <-> 'b'`, parentheses). Precedence as PostgreSQL prints it: `!`
 * binds tightest, then `<->`, then `&`, then `|`. Null for an empty query.
 */
export function parseTsquery(text: string): TsQuery | null {
  let i = 0;
  const skip = () => {
    while (text[i] === ' ') i += 1;
  };
  const primary = (): TsQuery => {
    skip();
    if (text[i] === '!') {
      i += 1;
      return { op: 'not', arg: primary() };
    }
    if (text[i] === '(') {
      i += 1;
      const inner = or();
      skip();
      if (text[i] !== ')') throw new Error(`expected ) at ${i}`);
      i += 1;
      return inner;
    }
    const [lexeme, after] = quoted(text, i);
    i = after;
    let prefix = false;
    if (text[i] === ':') {
      i += 1;
      while (i < text.length && /[*A-D]/.test(text[i] as string)) {
        if (text[i] === '*') prefix = true;
        i += 1;
      }
    }
    return { op: 'term', lexeme, prefix };
  };
  const phrase = (): TsQuery => {
    let left = primary();
    for (;;) {
      skip();
      const m = /^<(-|\d+)>/.exec(text.slice(i));
      if (m === null) return left;
      i += m[0].length;
      left = { op: 'phrase', left, right: primary(), distance: m[1] === '-' ? 1 : Number(m[1]) };
    }
  };
  const and = (): TsQuery => {
    let left = phrase();
    for (;;) {
      skip();
      if (text[i] !== '&') return left;
      i += 1;
      left = { op: 'and', left, right: phrase() };
    }
  };
  const or = (): TsQuery => {
    let left = and();
    for (;;) {
      skip();
      if (text[i] !== '|') return left;
      i += 1;
      left = { op: 'or', left, right: and() };
    }
  };
  skip();
  if (i >= text.length) return null;
  const query = or();
  skip();
  if (i < text.length) throw new Error(`unexpected ${text.slice(i, i + 10)} at ${i}`);
  return query;
}

/** True for words and phrases of words: what PostgreSQL's websearch_to_tsquery puts inside a phrase. */
export function isPositional(query: TsQuery): boolean {
  return query.op === 'term' || (query.op === 'phrase' && isPositional(query.left) && isPositional(query.right));
}
