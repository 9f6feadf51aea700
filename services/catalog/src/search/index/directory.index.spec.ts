import { parseSearchQuery } from '../search-query.dto';
import { DirectoryIndex, type AfterKeys, type IndexedDataset } from './directory.index';
import { isPositional, parseTsquery, parseTsvector } from './text-search.parser';

const dataset = (id: string, lexemes: string, changes: Partial<IndexedDataset> = {}): IndexedDataset => ({
  id,
  channel: 'main',
  owner: id.split('/')[0] as string,
  domain: 'transport',
  sensitivity: 'internal',
  governance: 'light',
  status: 'active',
  subjectClass: null,
  themes: ['TRAN'],
  formats: ['CSV'],
  updatedTime: 1000,
  titleKey: id,
  bbox: null,
  temporalStart: null,
  temporalEnd: null,
  lexemes: parseTsvector(lexemes),
  ...changes,
});

const query = (raw: Record<string, string> = {}) => parseSearchQuery({ limit: '20', ...raw });
const tsq = (text: string) => parseTsquery(text);

describe('PostgreSQL text forms', () => {
  it('reads a tsvector with weights, quotes and positionless lexemes', () => {
    expect(parseTsvector("'air':3,17B,20 'it''s':5A 'x'")).toEqual([
      { lexeme: 'air', counts: { A: 0, B: 1, C: 0, D: 2 }, positions: [3, 17, 20] },
      { lexeme: "it's", counts: { A: 1, B: 0, C: 0, D: 0 }, positions: [5] },
      { lexeme: 'x', counts: { A: 0, B: 0, C: 0, D: 1 }, positions: [] },
    ]);
  });

  it('reads a tsquery with PostgreSQL precedence, prefixes and phrases', () => {
    expect(tsq("'a' & !'b' | 'c':*")).toEqual({
      op: 'or',
      left: {
        op: 'and',
        left: { op: 'term', lexeme: 'a', prefix: false },
        right: { op: 'not', arg: { op: 'term', lexeme: 'b', prefix: false } },
      },
      right: { op: 'term', lexeme: 'c', prefix: true },
    });
    expect(tsq("'air' <-> 'quality' <2> 'index'")).toMatchObject({
      op: 'phrase',
      distance: 2,
      left: { op: 'phrase', distance: 1 },
    });
    expect(isPositional(tsq("'air' <-> 'quality' <-> 'index'") as never)).toBe(true);
    expect(isPositional(tsq("'air' <-> ( 'a' | 'b' )") as never)).toBe(false);
    expect(tsq('')).toBeNull();
    expect(() => tsq("'a' &")).toThrow();
  });
});

describe('DirectoryIndex', () => {
  const build = () => {
    const index = new DirectoryIndex();
    index.upsert(dataset('a/title-air', "'air':1A 'road':2B", { updatedTime: 4000, titleKey: 'air roads' }));
    index.upsert(
      dataset('b/desc-air', "'air':7B 'water':8B", { updatedTime: 3000, domain: 'health', themes: ['HEAL'] }),
    );
    index.upsert(dataset('c/water', "'water':1A 'airport':2A", { updatedTime: 2000, formats: ['PDF'], owner: 'c' }));
    index.upsert(dataset('d/old', "'air':1A", { status: 'deprecated', updatedTime: 9000 }));
    return index;
  };
  const ids = (hits: readonly { dataset: IndexedDataset }[]) => hits.map((h) => h.dataset.id);

  it('matches AND, OR, NOT and prefixes, and scores a title match above a description match', () => {
    const index = build();
    const run = (text: string) => index.search(query(), tsq(text), 'relevance', true, null, 20);
    expect(ids(run("'air'").hits)).toEqual(['a/title-air', 'b/desc-air']);
    const [title, description] = run("'air'").hits;
    expect(title?.score).toBeGreaterThan(description?.score ?? Infinity);
    expect(ids(run("'air' & 'water'").hits)).toEqual(['b/desc-air']);
    expect(ids(run("'road' | 'water'").hits)).toEqual(['c/water', 'a/title-air', 'b/desc-air']);
    expect(ids(run("'air' & !'water'").hits)).toEqual(['a/title-air']);
    expect(ids(run("'air':*").hits)).toEqual(['a/title-air', 'c/water', 'b/desc-air']);
    expect(index.search(query(), 'nothing', 'relevance', true, null, 20).total).toBe(0);
  });

  it('matches phrases by word positions, as PostgreSQL does', () => {
    const index = new DirectoryIndex();
    index.upsert(dataset('a/wq', "'water-quality':1A 'water':2A 'quality':3A 'index':4A"));
    index.upsert(dataset('b/apart', "'water':1A 'and':2A 'quality':3A"));
    index.upsert(dataset('c/reversed', "'quality':1A 'water':2A"));
    const run = (text: string) => ids(index.search(query(), tsq(text), 'relevance', true, null, 20).hits);
    expect(run("'water-quality' <-> 'water' <-> 'quality'")).toEqual(['a/wq']);
    expect(run("'water' <-> 'quality'")).toEqual(['a/wq']);
    expect(run("'water' <2> 'quality'")).toEqual(['b/apart']);
    expect(run("'water' <-> 'qual':*")).toEqual(['a/wq']);
    expect(run("'quality' <-> 'water' | 'index'")).toEqual(['c/reversed', 'a/wq']);
    // websearch_to_tsquery never builds a phrase over operators; the index refuses one rather than guess.
    expect(() => run("'water' <-> ( 'quality' | 'index' )")).toThrow(/not supported/);
  });

  it('counts each facet over the hits of every other filter, and ranks the authoritative department first', () => {
    const index = build();
    index.setAuthorities([{ channel: 'main', domain: 'health', department: 'b' }]);
    const result = index.search(query({ domain: 'transport' }), null, 'newest', true, null, 20);
    expect(result.total).toBe(2);
    expect(Object.fromEntries(result.facets.domain)).toEqual({ transport: 2, health: 1 });
    expect(Object.fromEntries(result.facets.format)).toEqual({ CSV: 1, PDF: 1 });
    const all = index.search(query(), null, 'newest', true, null, 20);
    expect(ids(all.hits)).toEqual(['b/desc-air', 'a/title-air', 'c/water']);
    expect(all.hits[0]?.authoritative).toBe(true);
  });

  it('pages in a total order from any cursor, without gaps or repeats', () => {
    const index = new DirectoryIndex();
    for (let i = 0; i < 25; i++)
      index.upsert(dataset(`d${i % 3}/set-${String(i).padStart(2, '0')}`, "'x':1A", { updatedTime: 1000 + (i % 4) }));
    for (const sort of ['newest', 'title', 'relevance'] as const) {
      const seen: string[] = [];
      let after: AfterKeys | null = null;
      for (;;) {
        const page = index.search(query(), sort === 'relevance' ? tsq("'x'") : null, sort, false, after, 4);
        seen.push(...ids(page.hits));
        const last = page.hits[page.hits.length - 1];
        if (!page.more || last === undefined) break;
        const { id, updatedTime, titleKey } = last.dataset;
        after =
          sort === 'newest'
            ? { sort, authoritative: null, updated: updatedTime, id }
            : sort === 'title'
              ? { sort, title: titleKey, id }
              : { sort, authoritative: 0, score: last.score ?? 0, id };
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
    }
  });

  it('replaces a changed dataset: its old words and status no longer match', () => {
    const index = build();
    index.upsert(dataset('a/title-air', "'tide':1A", { updatedTime: 5000 }));
    expect(ids(index.search(query(), tsq("'road'"), 'relevance', true, null, 20).hits)).toEqual([]);
    expect(ids(index.search(query(), tsq("'tide'"), 'relevance', true, null, 20).hits)).toEqual(['a/title-air']);
    expect(index.size).toBe(4);
    expect(index.retiredCount).toBe(1);
  });
});
