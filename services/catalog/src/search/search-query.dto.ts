import { memberIdSchema, NAME_PATTERN } from '@accord/protocol';
import {
  boundingBoxSchema,
  calendarDateSchema,
  DATA_THEMES,
  degreeUnits,
  GOVERNANCE_MODES,
  SENSITIVITIES,
  SUBJECT_CLASSES,
  TOKEN_PATTERN,
} from '@accord/rules';
import { RequestValidationError, type FieldIssue } from '@accord/service-kit';
import { z } from 'zod';
import { UnsupportedFilterError } from '../catalog.errors';

export const SEARCH_SORTS = ['relevance', 'newest', 'title'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Longest `q` accepted (characters): longer queries are not searches. */
export const MAX_QUERY_LENGTH = 500;
/** Most values one multi-valued filter may list. */
export const MAX_FILTER_VALUES = 32;

/** Bounding box in integer 1e-7 degrees (as catalog_dataset.bbox_* are stored); west > east crosses the antimeridian. */
export interface DegreeBox {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

/** The facet filters: several values of one are OR-ed, different ones AND-ed. Empty: no filter. */
export interface FacetFilters {
  readonly channel: readonly string[];
  readonly department: readonly string[];
  readonly domain: readonly string[];
  readonly theme: readonly string[];
  readonly sensitivity: readonly string[];
  readonly mode: readonly string[];
  readonly format: readonly string[];
}
export type FacetName = keyof FacetFilters;
export const FACET_NAMES: readonly FacetName[] = [
  'department',
  'domain',
  'theme',
  'sensitivity',
  'mode',
  'format',
  'channel',
];

/** GET /v1/datasets, parsed and normalised (the form the cursor's query hash covers). */
export interface SearchQuery {
  /** Trimmed; null when absent or blank. */
  readonly q: string | null;
  readonly facets: FacetFilters;
  readonly status: readonly string[];
  readonly subjectClass: readonly string[];
  /** Inclusive bounds on updated_time (ms since the epoch). */
  readonly updatedFrom: number | null;
  readonly updatedTo: number | null;
  /** Temporal coverage overlap, inclusive dates YYYY-MM-DD. */
  readonly temporalFrom: string | null;
  readonly temporalTo: string | null;
  readonly bbox: DegreeBox | null;
  readonly sort: SearchSort;
  readonly limit: number;
  readonly cursor: string | null;
}

const tokenValue = z.string().regex(TOKEN_PATTERN, 'must match [a-z][a-z0-9_-]{0,63}');
const formatValue = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'must be an upper-case file type code such as CSV');

/** The value schema of every multi-valued filter parameter. */
const LIST_PARAMETERS = {
  channel: z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}'),
  department: memberIdSchema,
  domain: tokenValue,
  theme: z.enum(DATA_THEMES),
  sensitivity: z.enum(SENSITIVITIES),
  mode: z.enum(GOVERNANCE_MODES),
  format: formatValue,
  status: z.enum(['active', 'deprecated']),
  subjectClass: z.enum(SUBJECT_CLASSES),
} as const;
type ListParameter = keyof typeof LIST_PARAMETERS;

const SINGLE_PARAMETERS = [
  'q',
  'updatedFrom',
  'updatedTo',
  'temporalFrom',
  'temporalTo',
  'bbox',
  'sort',
  'limit',
  'cursor',
] as const;

/** Every query parameter GET /v1/datasets accepts; any other is 400 unsupported_filter. */
export const SEARCH_PARAMETERS: readonly string[] = [...SINGLE_PARAMETERS, ...Object.keys(LIST_PARAMETERS)];

/** OpenAPI description of each parameter (search.controller.ts). */
export const SEARCH_PARAMETER_DOCS: Readonly<Record<string, string>> = {
  q: `Full-text query (websearch syntax: "quoted phrase", or, -excluded; the last word also matches as a prefix); at most ${MAX_QUERY_LENGTH} characters`,
  channel: 'Channel(s); repeat the parameter or separate values with commas (values of one filter are OR-ed)',
  department: 'Owner department(s)',
  domain: 'Data domain(s), e.g. public-safety',
  theme: `DCAT-AP data theme(s): ${DATA_THEMES.join(', ')}`,
  sensitivity: `Sensitivity: ${SENSITIVITIES.join(', ')}`,
  mode: `Governance mode: ${GOVERNANCE_MODES.join(', ')}`,
  format: 'Distribution format(s), e.g. CSV',
  status: 'active (default), deprecated, or both',
  subjectClass: `Whose data it is about: ${SUBJECT_CLASSES.join(', ')}`,
  updatedFrom: 'Updated at or after: YYYY-MM-DD (UTC day start) or an RFC 3339 date-time',
  updatedTo: 'Updated at or before: YYYY-MM-DD (through the end of that UTC day) or an RFC 3339 date-time',
  temporalFrom: 'Temporal coverage overlaps a period starting on this date (YYYY-MM-DD)',
  temporalTo: 'Temporal coverage overlaps a period ending on this date (YYYY-MM-DD)',
  bbox: 'Spatial coverage overlaps west,south,east,north in decimal degrees (west > east crosses the antimeridian)',
  sort: 'relevance (default with q), newest (default without q), title',
  limit: `Hits per page, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT})`,
  cursor: 'The `next` cursor of the previous page (same query only)',
};

const DAY_MS = 86_400_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses the raw query string of GET /v1/datasets. Unknown parameters are
 * refused by name first (400 unsupported_filter), then every bad value is
 * listed at once (400 validation_failed, one reason per field).
 */
export function parseSearchQuery(raw: Readonly<Record<string, unknown>>): SearchQuery {
  const unknown = Object.keys(raw).filter((name) => !SEARCH_PARAMETERS.includes(name));
  if (unknown.length > 0) throw new UnsupportedFilterError(unknown.sort(), SEARCH_PARAMETERS);
  const issues: FieldIssue[] = [];
  const issue = (field: string, reason: string): null => {
    issues.push({ field: `query.${field}`, reason });
    return null;
  };

  const single = (name: (typeof SINGLE_PARAMETERS)[number]): string | null => {
    const value = raw[name];
    if (value === undefined) return null;
    if (typeof value !== 'string') return issue(name, 'must be given once');
    if (value.includes('\u0000')) return issue(name, 'must not contain U+0000');
    return value;
  };
  const list = (name: ListParameter): string[] => {
    const value = raw[name];
    if (value === undefined) return [];
    const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
    const values = [...new Set(parts)];
    if (values.length > MAX_FILTER_VALUES) {
      issue(name, `at most ${MAX_FILTER_VALUES} values`);
      return [];
    }
    for (const v of values) {
      const parsed = LIST_PARAMETERS[name].safeParse(v);
      if (!parsed.success) issue(name, `${JSON.stringify(v)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    }
    return values.map(String).sort();
  };

  const qRaw = single('q');
  const q = qRaw === null || qRaw.trim() === '' ? null : qRaw.trim();
  if (q !== null && q.length > MAX_QUERY_LENGTH) issue('q', `must be at most ${MAX_QUERY_LENGTH} characters`);

  const facets: FacetFilters = {
    channel: list('channel'),
    department: list('department'),
    domain: list('domain'),
    theme: list('theme'),
    sensitivity: list('sensitivity'),
    mode: list('mode'),
    format: list('format'),
  };
  const status = list('status');
  const subjectClass = list('subjectClass');

  const updatedFrom = instant(single('updatedFrom'), 'start', (r) => issue('updatedFrom', r));
  const updatedTo = instant(single('updatedTo'), 'end', (r) => issue('updatedTo', r));
  if (updatedFrom !== null && updatedTo !== null && updatedFrom > updatedTo)
    issue('updatedFrom', 'must not be after updatedTo');

  const temporalFrom = date(single('temporalFrom'), (r) => issue('temporalFrom', r));
  const temporalTo = date(single('temporalTo'), (r) => issue('temporalTo', r));
  if (temporalFrom !== null && temporalTo !== null && temporalFrom > temporalTo)
    issue('temporalFrom', 'must not be after temporalTo');

  const bbox = boundingBox(single('bbox'), (r) => issue('bbox', r));

  const sortRaw = single('sort');
  let sort: SearchSort = q === null ? 'newest' : 'relevance';
  if (sortRaw !== null) {
    if ((SEARCH_SORTS as readonly string[]).includes(sortRaw)) sort = sortRaw as SearchSort;
    else issue('sort', `must be one of ${SEARCH_SORTS.join(', ')}`);
  }

  const limitRaw = single('limit');
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== null) {
    if (/^\d{1,3}$/.test(limitRaw) && Number(limitRaw) >= 1 && Number(limitRaw) <= MAX_LIMIT) limit = Number(limitRaw);
    else issue('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  }

  const cursor = single('cursor');
  if (issues.length > 0) throw new RequestValidationError(issues);
  return {
    q,
    facets,
    status: status.length === 0 ? ['active'] : status,
    subjectClass,
    updatedFrom,
    updatedTo,
    temporalFrom,
    temporalTo,
    bbox,
    sort,
    limit,
    cursor,
  };
}

/** A date (the day's first or last millisecond, UTC) or an RFC 3339 date-time, as ms since the epoch. */
function instant(value: string | null, edge: 'start' | 'end', fail: (reason: string) => null): number | null {
  if (value === null) return null;
  if (calendarDateSchema.safeParse(value).success) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return edge === 'start' ? start : start + DAY_MS - 1;
  }
  const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0)
    return fail('must be YYYY-MM-DD or an RFC 3339 date-time such as 2025-01-31T12:00:00Z');
  return ms;
}

function date(value: string | null, fail: (reason: string) => null): string | null {
  if (value === null) return null;
  const parsed = calendarDateSchema.safeParse(value);
  return parsed.success ? parsed.data : fail(parsed.error.issues[0]?.message ?? 'must be a date YYYY-MM-DD');
}

function boundingBox(value: string | null, fail: (reason: string) => null): DegreeBox | null {
  if (value === null) return null;
  const parts = value.split(',');
  if (parts.length !== 4) return fail('must be west,south,east,north in decimal degrees, e.g. 120.5,29.5,122,30.5');
  const [west, south, east, north] = parts as [string, string, string, string];
  const parsed = boundingBoxSchema.safeParse({ west, south, east, north });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(`${first?.path.join('.') || 'bbox'} ${first?.message ?? 'is invalid'}`);
  }
  return {
    west: degreeUnits(parsed.data.west),
    south: degreeUnits(parsed.data.south),
    east: degreeUnits(parsed.data.east),
    north: degreeUnits(parsed.data.north),
  };
}
