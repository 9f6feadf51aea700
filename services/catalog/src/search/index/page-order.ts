import type { AfterKeys, IndexedDataset } from './directory.index';

/** The order keys of a hit on a page (or of a cursor: ord -1). */
export interface PageKey {
  readonly ord: number;
  readonly authoritative: number;
  readonly score: number | null;
  readonly updated: number;
  readonly title: string;
  readonly id: string;
}

export function pageKey(
  ord: number,
  score: number | null,
  authority: readonly number[],
  docs: readonly (IndexedDataset | undefined)[],
): PageKey {
  const d = docs[ord] as IndexedDataset;
  return { ord, authoritative: authority[ord] as number, score, updated: d.updatedTime, title: d.titleKey, id: d.id };
}

export function afterKey(after: AfterKeys): PageKey {
  return {
    ord: -1,
    authoritative: after.sort !== 'title' && after.authoritative === 1 ? 1 : 0,
    score: after.sort === 'relevance' ? after.score : null,
    updated: after.sort === 'newest' ? after.updated : 0,
    title: after.sort === 'title' ? after.title : '',
    id: after.id,
  };
}

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How the dataset at `ord` (with `score`) sorts against a page key:
 * negative when it comes first. Reads the columns, so a dataset that does
 * not make the page costs no allocation. Ties end on the id: a total order.
 */
export type PageOrder = (ord: number, score: number | null, key: PageKey) => number;

export function pageOrder(
  sort: AfterKeys['sort'],
  authoritativeFirst: boolean,
  authority: readonly number[],
  updated: readonly number[],
  docs: readonly (IndexedDataset | undefined)[],
): PageOrder {
  const doc = (ord: number) => docs[ord] as IndexedDataset;
  switch (sort) {
    case 'relevance':
      return (ord, score, key) =>
        key.authoritative - (authority[ord] as number) || (key.score ?? 0) - (score ?? 0) || text(doc(ord).id, key.id);
    case 'newest':
      return (ord, _score, key) =>
        (authoritativeFirst ? key.authoritative - (authority[ord] as number) : 0) ||
        key.updated - (updated[ord] as number) ||
        text(doc(ord).id, key.id);
    case 'title':
      return (ord, _score, key) => text(doc(ord).titleKey, key.title) || text(doc(ord).id, key.id);
  }
}

/** The first `k` datasets of a stream in a page order, kept sorted (k is a page: small). */
export class TopK {
  private readonly items: PageKey[] = [];

  constructor(
    private readonly k: number,
    private readonly order: PageOrder,
    private readonly keyOf: (ord: number, score: number | null) => PageKey,
  ) {}

  offer(ord: number, score: number | null): void {
    const items = this.items;
    if (items.length === this.k && this.order(ord, score, items[items.length - 1] as PageKey) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order(ord, score, items[mid] as PageKey) > 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, this.keyOf(ord, score));
    if (items.length > this.k) items.pop();
  }

  sorted(): readonly PageKey[] {
    return this.items;
  }
}
