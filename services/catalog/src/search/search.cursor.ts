import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CursorInvalidError } from '../catalog.errors';
import type { SearchQuery, SearchSort } from './search-query.dto';

/**
 * Keyset cursors of GET /v1/datasets: base64url of a small JSON object with
 * the sort, the order-key values and id of the last hit of a page, and a
 * hash of the normalised query (q, filters, sort). A cursor is only
 * accepted with the query it was issued for: another filter, sort or q, or
 * any altered byte that breaks its form, is 400 cursor_invalid. The hash
 * is not a secret MAC: a client forging a well-formed cursor for its own
 * query only moves its own starting point, which the strict form check
 * keeps to values of the right type.
 */

/** Order-key values after which the next page starts; which keys depends on the sort (search-sql.builder.ts). */
export type CursorKeys =
  | { readonly sort: 'relevance'; readonly authoritative: 0 | 1; readonly rank: string; readonly id: string }
  | { readonly sort: 'newest'; readonly authoritative: 0 | 1 | null; readonly updated: string; readonly id: string }
  | { readonly sort: 'title'; readonly title: string; readonly id: string };

const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const INT_TEXT = z.string().regex(/^-?\d{1,19}$/);
/** float4 as PostgreSQL prints it (shortest exact form). */
const REAL_TEXT = z.string().regex(/^-?(\d+(\.\d+)?([eE][+-]?\d+)?|Infinity|NaN)$/);
const ID = z.string().min(3).max(129);
const FLAG = z.union([z.literal(0), z.literal(1)]);
const HASH = z.string().regex(/^[0-9a-f]{32}$/);

const cursorSchema = z.discriminatedUnion('s', [
  z.strictObject({ v: z.literal(1), s: z.literal('relevance'), a: FLAG, r: REAL_TEXT, id: ID, h: HASH }),
  z.strictObject({ v: z.literal(1), s: z.literal('newest'), a: FLAG.nullable(), u: INT_TEXT, id: ID, h: HASH }),
  z.strictObject({ v: z.literal(1), s: z.literal('title'), t: z.string().max(4000), id: ID, h: HASH }),
]);

/** Hash of what must stay the same from page to page: everything but limit and cursor. */
export function queryHash(query: SearchQuery): string {
  const { limit: _limit, cursor: _cursor, ...stable } = query;
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 32);
}

export function encodeCursor(query: SearchQuery, keys: CursorKeys): string {
  const h = queryHash(query);
  const body =
    keys.sort === 'relevance'
      ? { v: 1, s: keys.sort, a: keys.authoritative, r: keys.rank, id: keys.id, h }
      : keys.sort === 'newest'
        ? { v: 1, s: keys.sort, a: keys.authoritative, u: keys.updated, id: keys.id, h }
        : { v: 1, s: keys.sort, t: keys.title, id: keys.id, h };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The keys of `cursor`, checked to be of this query and of the shape its sort needs. */
export function decodeCursor(query: SearchQuery, cursor: string, authoritativeFirst: boolean): CursorKeys {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw new CursorInvalidError('not a cursor');
  let json: unknown;
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw new Error('not canonical');
    json = JSON.parse(text);
  } catch {
    throw new CursorInvalidError('not a cursor');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new CursorInvalidError('not a cursor of this endpoint');
  const c = parsed.data;
  if (c.h !== queryHash(query) || c.s !== effectiveSort(query))
    throw new CursorInvalidError('it was issued for another query (q, filters or sort changed)');
  switch (c.s) {
    case 'relevance':
      return { sort: 'relevance', authoritative: c.a, rank: c.r, id: c.id };
    case 'newest':
      if ((c.a === null) === authoritativeFirst) throw new CursorInvalidError('not a cursor of this endpoint');
      return { sort: 'newest', authoritative: c.a, updated: c.u, id: c.id };
    case 'title':
      return { sort: 'title', title: c.t, id: c.id };
  }
}

/** `relevance` without q orders as newest with authoritative datasets first. */
export function effectiveSort(query: SearchQuery): SearchSort {
  return query.sort === 'relevance' && query.q === null ? 'newest' : query.sort;
}
