import { hashHexSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { textSchema } from '../common/rules-ids.schema';

/**
 * The descriptive metadata of a dataset version, aligned with DCAT-AP 3
 * (docs/catalog.md "Metadata"): what the catalog indexes and exports. The
 * rule engine only checks its form (a register or update with metadata that
 * does not validate is rejected `invalid_payload`, so every registered
 * dataset has valid metadata); it keeps none of it in its state.
 *
 * No floats anywhere on the ledger: coordinates are decimal strings.
 */

/** The EU "data theme" vocabulary DCAT-AP recommends for dcat:theme (http://publications.europa.eu/resource/authority/data-theme). */
export const DATA_THEMES = [
  'AGRI',
  'ECON',
  'EDUC',
  'ENER',
  'ENVI',
  'GOVE',
  'HEAL',
  'INTR',
  'JUST',
  'REGI',
  'SOCI',
  'TECH',
  'TRAN',
] as const;
export type DataTheme = (typeof DATA_THEMES)[number];

/** Whose personal data the records are about, if anyone's (Accord's field beside sensitivity and subject key). */
export const SUBJECT_CLASSES = ['none', 'natural-person', 'legal-person', 'vehicle', 'property', 'place'] as const;
export type SubjectClass = (typeof SUBJECT_CLASSES)[number];

/** ISO 8601 calendar date `YYYY-MM-DD`, checked for a real day (no clock involved). */
export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    if (m < 1 || m > 12 || d < 1) return false;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
    return d <= days;
  }, 'must be a real calendar date');

/** A decimal degree as text, at most 7 decimals (≈ 1 cm): `121.5`, `-29.8765432`. */
const DEGREE_PATTERN = /^-?(0|[1-9]\d{0,2})(\.\d{1,7})?$/;

/** A decimal degree string as an integer number of 10^-7 degrees (exact; no float arithmetic). */
export function degreeUnits(degree: string): number {
  const negative = degree.startsWith('-');
  const [whole, fraction = ''] = (negative ? degree.slice(1) : degree).split('.') as [string, string?];
  const units = Number(whole) * 10_000_000 + Number(fraction.padEnd(7, '0'));
  return negative ? -units : units;
}

const degreeSchema = (limit: number) =>
  z
    .string()
    .regex(DEGREE_PATTERN, 'must be decimal degrees as text, at most 7 decimals, e.g. "121.55"')
    .refine((d) => Math.abs(degreeUnits(d)) <= limit * 10_000_000, `must be between -${limit} and ${limit}`);

/** dct:spatial as a WGS 84 bounding box (dcat:bbox); west may exceed east across the antimeridian. */
export const boundingBoxSchema = z
  .strictObject({ west: degreeSchema(180), south: degreeSchema(90), east: degreeSchema(180), north: degreeSchema(90) })
  .refine((b) => degreeUnits(b.south) <= degreeUnits(b.north), {
    message: 'south must not be above north',
    path: ['south'],
  });
export type BoundingBox = z.output<typeof boundingBoxSchema>;

/** dct:temporal: the period the data covers; either end may be open. */
export const temporalCoverageSchema = z
  .strictObject({ start: calendarDateSchema.optional(), end: calendarDateSchema.optional() })
  .refine((t) => t.start !== undefined || t.end !== undefined, 'must give start, end or both')
  .refine((t) => t.start === undefined || t.end === undefined || t.start <= t.end, {
    message: 'start must not be after end',
    path: ['start'],
  });

/** vcard contact point: a name and at least one way to reach it. */
export const contactPointSchema = z
  .strictObject({
    name: textSchema(200).min(1),
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number')
      .optional(),
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined, 'must give an email or a phone');

/** dcat:Distribution: one way the dataset's bytes are offered (served by the owner's storage gateway). */
export const distributionSchema = z.strictObject({
  title: textSchema(200).min(1).optional(),
  /** dct:format, as the EU file-type authority's code: `CSV`, `JSON`, `MP4`, ... */
  format: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, 'must be an upper-case file type code such as CSV or MP4'),
  /** dcat:mediaType (IANA). */
  mediaType: z
    .string()
    .regex(/^[a-z]+\/[a-z0-9][a-z0-9.+-]{0,126}$/, 'must be an IANA media type such as text/csv or video/mp4'),
  byteSize: uintSchema.optional(),
  /** spdx:checksum with algorithm sha256. */
  sha256: hashHexSchema.optional(),
});
export type Distribution = z.output<typeof distributionSchema>;

const keywordSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((k) => k.trim() === k && !/[\u0000-\u001f]/.test(k), 'must have no surrounding spaces or control characters');

export const datasetMetadataSchema = z.strictObject({
  /** dcat:keyword (searched with the title's weight). */
  keywords: z.array(keywordSchema).max(32).optional(),
  themes: z.array(z.enum(DATA_THEMES)).max(13).optional(),
  /** dct:publisher's name; the owner department when absent. */
  publisher: textSchema(200).min(1).optional(),
  contactPoint: contactPointSchema.optional(),
  spatial: boundingBoxSchema.optional(),
  temporal: temporalCoverageSchema.optional(),
  /** dct:language, ISO 639-1 codes. */
  languages: z
    .array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as zh or en'))
    .max(8)
    .optional(),
  subjectClass: z.enum(SUBJECT_CLASSES).optional(),
  distributions: z.array(distributionSchema).max(16).optional(),
});
export type DatasetMetadata = z.output<typeof datasetMetadataSchema>;
