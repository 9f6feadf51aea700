import type { FacetName, SearchQuery } from '../search-query.dto';
import { basePredicate, dateNumber, hasExtraFilters, type ExtraColumns } from './dataset-filters';
import { afterKey, pageKey, pageOrder, TopK } from './page-order';
import { difference, follow, intersect, union, type Matches } from './posting-sets';
import { isPositional, type LexemeEntry, type TsQuery } from './text-search.parser';

/** What the index keeps of a dataset: the columns search filters, counts and sorts on, and its lexemes. */
export interface IndexedDataset {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly domain: string;
  readonly sensitivity: string;
  readonly governance: string;
  readonly status: string;
  readonly subjectClass: string | null;
  readonly themes: readonly string[];
  readonly formats: readonly string[];
  readonly updatedTime: number;
  /** lower(title): the title sort's key. */
  readonly titleKey: string;
  /** Integer 1e-7 degrees, as stored. */
  readonly bbox: {
    readonly west: number;
    readonly south: number;
    readonly east: number;
    readonly north: number;
  } | null;
  readonly temporalStart: string | null;
  readonly temporalEnd: string | null;
  readonly lexemes: readonly LexemeEntry[];
}

/** A page position: the order keys of the last hit of the previous page. */
export type AfterKeys =
  | { readonly sort: 'relevance'; readonly authoritative: 0 | 1; readonly score: number; readonly id: string }
  | { readonly sort: 'newest'; readonly authoritative: 0 | 1 | null; readonly updated: number; readonly id: string }
  | { readonly sort: 'title'; readonly title: string; readonly id: string };

export interface IndexHit {
  readonly dataset: IndexedDataset;
  readonly authoritative: boolean;
  /** Text-match score; null without q. */
  readonly score: number | null;
}

export interface IndexResult {
  readonly total: number;
  /** Up to `limit` hits in order, after the cursor. */
  readonly hits: readonly IndexHit[];
  /** True when more hits follow the page. */
  readonly more: boolean;
  readonly facets: Readonly<Record<FacetName, ReadonlyMap<string, number>>>;
}

/**
 * Field weights of the text score: a query word in the title or keywords
 * (A) counts 1, in the description (B) 0.4, in the publisher, domain or
 * owner (C) 0.1, elsewhere (D) 0.05; each class counts at most 3
 * occurrences, so repeating a word does not buy rank.
 */
const WEIGHTS = { A: 1, B: 0.4, C: 0.1, D: 0.05 } as const;
const MAX_OCCURRENCES = 3;

function postingScore(entry: LexemeEntry): number {
  const c = entry.counts;
  const capped = (n: number) => Math.min(n, MAX_OCCURRENCES);
  return WEIGHTS.A * capped(c.A) + WEIGHTS.B * capped(c.B) + WEIGHTS.C * capped(c.C) + WEIGHTS.D * capped(c.D);
}

/** A lexeme's postings: ordinals, scores, and every ordinal's positions as a slice of one flat array. */
interface Posting {
  readonly ords: number[];
  readonly scores: number[];
  /** Start of each ordinal's positions in `positions` (the next one's start ends it). */
  readonly starts: number[];
  readonly positions: number[];
}

/**
 * The in-memory search index of the directory (docs/catalog-search.md
 * "Performance"): facet columns and an inverted index of the lexemes
 * PostgreSQL computed for each dataset. Filtering, facet counts, text
 * matching and ordering of a whole 100,000-dataset directory take a few
 * milliseconds here, where PostgreSQL must visit every matching row. It is
 * a cache of catalog_dataset (DirectoryIndexLoader keeps it current); pages
 * are then read from PostgreSQL by id.
 *
 * Datasets are appended under increasing ordinals; a changed dataset gets a
 * new ordinal and its old one is retired, so postings stay sorted by
 * appending alone.
 */
export class DirectoryIndex {
  private readonly docs: (IndexedDataset | undefined)[] = [];
  /** Index in STATUSES of each ordinal's status; -1 for a retired ordinal. */
  private readonly status: number[] = [];
  // Facet values of each ordinal as dictionary codes, one column per facet: counting and filtering a
  // whole directory are loops over small integers.
  private readonly department: number[] = [];
  private readonly domain: number[] = [];
  private readonly sensitivity: number[] = [];
  private readonly mode: number[] = [];
  private readonly channel: number[] = [];
  private readonly theme: number[][] = [];
  private readonly format: number[][] = [];
  /** 1 when the owner is the authoritative department of the dataset's domain on its channel. */
  private readonly authority: number[] = [];
  /** Last update time per ordinal (the newest order and the updated range read it for every candidate). */
  private readonly updated: number[] = [];
  private readonly extra: ExtraColumns = {
    subject: [],
    temporalStart: [],
    temporalEnd: [],
    west: [],
    south: [],
    east: [],
    north: [],
  };
  private readonly dictionaries = Object.fromEntries(FACETS.map((f) => [f, new Dictionary()])) as Record<
    FacetName,
    Dictionary
  >;
  private readonly byId = new Map<string, number>();
  private readonly postings = new Map<string, Posting>();
  private lexicon: string[] | null = null;
  /** (channel code, domain code) → the authoritative department's code. */
  private authorities = new Map<number, number>();
  private retired = 0;

  get size(): number {
    return this.byId.size;
  }

  /** Ordinals no longer used (changed datasets); the loader rebuilds when they outnumber the live ones. */
  get retiredCount(): number {
    return this.retired;
  }

  upsert(dataset: IndexedDataset): void {
    const old = this.byId.get(dataset.id);
    if (old !== undefined) {
      this.docs[old] = undefined;
      this.status[old] = -1;
      this.retired += 1;
    }
    const ord = this.docs.length;
    this.docs.push(dataset);
    this.status.push(STATUSES.indexOf(dataset.status as (typeof STATUSES)[number]));
    const d = this.dictionaries;
    this.department.push(d.department.code(dataset.owner));
    this.domain.push(d.domain.code(dataset.domain));
    this.sensitivity.push(d.sensitivity.code(dataset.sensitivity));
    this.mode.push(d.mode.code(dataset.governance));
    this.channel.push(d.channel.code(dataset.channel));
    this.theme.push(dataset.themes.map((t) => d.theme.code(t)));
    this.format.push(dataset.formats.map((f) => d.format.code(f)));
    this.authority.push(this.isAuthority(ord) ? 1 : 0);
    this.updated.push(dataset.updatedTime);
    const x = this.extra;
    x.subject.push(dataset.subjectClass);
    x.temporalStart.push(dateNumber(dataset.temporalStart));
    x.temporalEnd.push(dateNumber(dataset.temporalEnd));
    x.west.push(dataset.bbox?.west ?? NaN);
    x.south.push(dataset.bbox?.south ?? NaN);
    x.east.push(dataset.bbox?.east ?? NaN);
    x.north.push(dataset.bbox?.north ?? NaN);
    this.byId.set(dataset.id, ord);
    for (const entry of dataset.lexemes) {
      let posting = this.postings.get(entry.lexeme);
      if (posting === undefined) {
        posting = { ords: [], scores: [], starts: [], positions: [] };
        this.postings.set(entry.lexeme, posting);
        this.lexicon = null;
      }
      posting.ords.push(ord);
      posting.scores.push(postingScore(entry));
      posting.starts.push(posting.positions.length);
      for (const position of entry.positions) posting.positions.push(position);
    }
  }

  /** The authoritative department per (channel, domain). */
  setAuthorities(rows: readonly { channel: string; domain: string; department: string }[]): void {
    const d = this.dictionaries;
    this.authorities = new Map(
      rows.map((r) => [
        authorityKey(d.channel.code(r.channel), d.domain.code(r.domain)),
        d.department.code(r.department),
      ]),
    );
    for (let ord = 0; ord < this.docs.length; ord++) this.authority[ord] = this.isAuthority(ord) ? 1 : 0;
  }

  private isAuthority(ord: number): boolean {
    const key = authorityKey(this.channel[ord] as number, this.domain[ord] as number);
    return this.authorities.get(key) === this.department[ord];
  }

  /**
   * One page of hits with the total and facet counts. `text` is the parsed
   * q (null: no q; 'nothing': a q without words, which matches nothing, as
   * in PostgreSQL), as websearch_to_tsquery parses it (phrases only over words).
   */
  search(
    query: SearchQuery,
    text: TsQuery | 'nothing' | null,
    sort: AfterKeys['sort'],
    authoritativeFirst: boolean,
    after: AfterKeys | null,
    limit: number,
  ): IndexResult {
    const matches = text === null ? null : text === 'nothing' ? { ords: [], scores: [] } : this.match(text);
    const d = this.dictionaries;
    const allowed = (facet: FacetName): Uint8Array | null => {
      const values = query.facets[facet];
      if (values.length === 0) return null;
      const flags = new Uint8Array(d[facet].size);
      for (const value of values) {
        const code = d[facet].find(value);
        if (code >= 0) flags[code] = 1;
      }
      return flags;
    };
    const [aDepartment, aDomain, aTheme, aSensitivity, aMode, aFormat, aChannel] = FACETS.map(allowed);
    const counts = FACETS.map((f) => new Int32Array(d[f].size));
    const [cDepartment, cDomain, cTheme, cSensitivity, cMode, cFormat, cChannel] = counts as Int32Array[];
    const { department, domain, theme, sensitivity, mode, format, channel, docs } = this;
    const order = pageOrder(sort, authoritativeFirst, this.authority, this.updated, docs);
    const start = after === null ? null : afterKey(after);
    const page = new TopK(limit + 1, order, (ord, score) => pageKey(ord, score, this.authority, docs));
    let total = 0;
    const anyOf = (flags: Uint8Array, codes: readonly number[]): boolean => {
      for (const code of codes) if (flags[code] === 1) return true;
      return false;
    };
    const statuses = new Set(query.status);
    const statusOk = STATUSES.map((st) => (statuses.has(st) ? 1 : 0));
    const { status } = this;
    // Filters other than status and the facets, only when the query has some.
    const extra = hasExtraFilters(query) ? basePredicate(query, this.extra) : null;
    const { updated } = this;
    const { updatedFrom, updatedTo } = query;
    const fails = (flags: Uint8Array | null, code: number): boolean => flags !== null && flags[code] !== 1;
    const failsAll = (flags: Uint8Array | null, codes: readonly number[]): boolean =>
      flags !== null && !anyOf(flags, codes);
    const visit = (ord: number, score: number | null) => {
      const st = status[ord] as number;
      if (st < 0 || statusOk[st] !== 1) return;
      if (updatedFrom !== null && (updated[ord] as number) < updatedFrom) return;
      if (updatedTo !== null && (updated[ord] as number) > updatedTo) return;
      if (extra !== null && !extra(ord)) return;
      // Which facet filters the dataset fails: none → it is a hit and counts everywhere; one → it counts for that facet only.
      let failed = -1;
      let failures = 0;
      const dep = department[ord] as number;
      const dom = domain[ord] as number;
      const sen = sensitivity[ord] as number;
      const mod = mode[ord] as number;
      const cha = channel[ord] as number;
      const the = theme[ord] as number[];
      const fmt = format[ord] as number[];
      if (fails(aDepartment, dep)) {
        failures += 1;
        failed = 0;
      }
      if (fails(aDomain, dom)) {
        failures += 1;
        failed = 1;
      }
      if (failsAll(aTheme, the)) {
        failures += 1;
        failed = 2;
      }
      if (fails(aSensitivity, sen)) {
        failures += 1;
        failed = 3;
      }
      if (fails(aMode, mod)) {
        failures += 1;
        failed = 4;
      }
      if (failsAll(aFormat, fmt)) {
        failures += 1;
        failed = 5;
      }
      if (fails(aChannel, cha)) {
        failures += 1;
        failed = 6;
      }
      if (failures > 1) return;
      const all = failures === 0;
      if (all || failed === 0) cDepartment[dep] += 1;
      if (all || failed === 1) cDomain[dom] += 1;
      if (all || failed === 2) for (const code of the) cTheme[code] += 1;
      if (all || failed === 3) cSensitivity[sen] += 1;
      if (all || failed === 4) cMode[mod] += 1;
      if (all || failed === 5) for (const code of fmt) cFormat[code] += 1;
      if (all || failed === 6) cChannel[cha] += 1;
      if (!all) return;
      total += 1;
      if (start === null || order(ord, score, start) > 0) page.offer(ord, score);
    };
    if (matches === null) for (let ord = 0; ord < docs.length; ord++) visit(ord, null);
    else for (let k = 0; k < matches.ords.length; k++) visit(matches.ords[k] as number, matches.scores[k] as number);
    const sorted = page.sorted().map((key): IndexHit => ({
      dataset: docs[key.ord] as IndexedDataset,
      authoritative: key.authoritative === 1,
      score: key.score,
    }));
    const facets = Object.fromEntries(
      FACETS.map((f, i) => {
        const values = new Map<string, number>();
        (counts[i] as Int32Array).forEach((n, code) => {
          if (n > 0) values.set(d[f].value(code), n);
        });
        return [f, values];
      }),
    ) as Record<FacetName, Map<string, number>>;
    return { total, hits: sorted.slice(0, limit), more: sorted.length > limit, facets };
  }

  private match(query: TsQuery, withPositions = false): Matches {
    switch (query.op) {
      case 'term':
        return query.prefix ? this.prefixed(query.lexeme, withPositions) : this.term(query.lexeme, withPositions);
      case 'and':
        return this.and(query.left, query.right);
      case 'or':
        return union(this.match(query.left), this.match(query.right));
      case 'not':
        return this.complement(this.match(query.arg));
      case 'phrase':
        // websearch_to_tsquery only puts words and phrases inside a phrase (`"a or b"` is the phrase a or b).
        if (!isPositional(query)) throw new Error('a phrase over !, & or | is not supported');
        return follow(this.match(query.left, true), this.match(query.right, true), query.distance);
    }
  }

  /** `a & !b` as a difference, so a negation never materialises the whole directory. */
  private and(left: TsQuery, right: TsQuery): Matches {
    if (right.op === 'not' && left.op !== 'not') return difference(this.match(left), this.match(right.arg));
    if (left.op === 'not' && right.op !== 'not') return difference(this.match(right), this.match(left.arg));
    return intersect(this.match(left), this.match(right));
  }

  private term(lexeme: string, withPositions = false): Matches {
    const posting = this.postings.get(lexeme);
    if (posting === undefined)
      return withPositions ? { ords: [], scores: [], positions: [] } : { ords: [], scores: [] };
    const { ords, scores, starts, positions } = posting;
    if (!withPositions) return { ords, scores };
    return {
      ords,
      scores,
      positions: starts.map((start, k) => positions.slice(start, starts[k + 1] ?? positions.length)),
    };
  }

  private prefixed(prefix: string, withPositions = false): Matches {
    const lexicon = (this.lexicon ??= [...this.postings.keys()].sort());
    let lo = 0;
    let hi = lexicon.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((lexicon[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    let out: Matches = withPositions ? { ords: [], scores: [], positions: [] } : { ords: [], scores: [] };
    for (let i = lo; i < lexicon.length && (lexicon[i] as string).startsWith(prefix); i++)
      out = union(out, this.term(lexicon[i] as string, withPositions));
    return out;
  }

  private complement(matches: Matches): Matches {
    const ords: number[] = [];
    let j = 0;
    for (let ord = 0; ord < this.docs.length; ord++) {
      if (matches.ords[j] === ord) {
        j += 1;
        continue;
      }
      if (this.docs[ord] !== undefined) ords.push(ord);
    }
    return { ords, scores: ords.map(() => 0) };
  }
}

/** Dataset statuses (catalog_dataset.status). */
const STATUSES = ['active', 'deprecated'] as const;

const FACETS: readonly FacetName[] = ['department', 'domain', 'theme', 'sensitivity', 'mode', 'format', 'channel'];

const authorityKey = (channel: number, domain: number): number => channel * 0x100000 + domain;

/** Values ↔ small integer codes, in order of first sight. */
class Dictionary {
  private readonly codes = new Map<string, number>();
  private readonly values: string[] = [];

  get size(): number {
    return this.values.length;
  }

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  /** The code of a known value, -1 for one never seen. */
  find(value: string): number {
    return this.codes.get(value) ?? -1;
  }

  value(code: number): string {
    return this.values[code] as string;
  }
}
