import type { SearchQuery } from '../search-query.dto';

/** True when the query filters on more than status, update time and facets. */
export function hasExtraFilters(query: SearchQuery): boolean {
  return (
    query.subjectClass.length > 0 || query.temporalFrom !== null || query.temporalTo !== null || query.bbox !== null
  );
}

/** The columns the filters on subject class, temporal coverage and box read. */
export interface ExtraColumns {
  /** Subject class as text, null when none. */
  readonly subject: (string | null)[];
  /** Temporal coverage as YYYYMMDD numbers, NaN for an open end. */
  readonly temporalStart: number[];
  readonly temporalEnd: number[];
  /** Box in integer 1e-7 degrees, NaN when none. */
  readonly west: number[];
  readonly south: number[];
  readonly east: number[];
  readonly north: number[];
}

export const dateNumber = (date: string | null): number => (date === null ? NaN : Number(date.replaceAll('-', '')));

/**
 * The filters on subject class, temporal coverage and box (the same
 * conditions as search-sql.builder.ts basePredicates; status, update time
 * and facets are checked from their columns before).
 */
export function basePredicate(query: SearchQuery, c: ExtraColumns): (ord: number) => boolean {
  const classes = new Set(query.subjectClass);
  const { bbox } = query;
  const from = dateNumber(query.temporalFrom);
  const to = dateNumber(query.temporalTo);
  const temporal = query.temporalFrom !== null || query.temporalTo !== null;
  return (ord) => {
    if (classes.size > 0) {
      const subject = c.subject[ord] ?? null;
      if (subject === null || !classes.has(subject)) return false;
    }
    if (temporal) {
      const start = c.temporalStart[ord] as number;
      const end = c.temporalEnd[ord] as number;
      if (Number.isNaN(start) && Number.isNaN(end)) return false;
      // NaN compares false: an open end never excludes.
      if (end < from) return false;
      if (start > to) return false;
    }
    if (bbox !== null) {
      const west = c.west[ord] as number;
      if (Number.isNaN(west)) return false;
      const south = c.south[ord] as number;
      const east = c.east[ord] as number;
      const north = c.north[ord] as number;
      if (!(south <= bbox.north && north >= bbox.south)) return false;
      // Longitudes are intervals on a circle: a box with west > east crosses the antimeridian.
      const crosses = west > east;
      const overlaps =
        bbox.west <= bbox.east
          ? crosses
            ? east >= bbox.west || west <= bbox.east
            : west <= bbox.east && east >= bbox.west
          : crosses || west <= bbox.east || east >= bbox.west;
      if (!overlaps) return false;
    }
    return true;
  };
}
