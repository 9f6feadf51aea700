import { hashHexSchema, memberIdSchema, NAME_PATTERN } from '@accord/protocol';
import { z } from 'zod';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Most kinds one `kind` filter may list. */
const MAX_KINDS = 32;

const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, `must be an integer from 1 to ${MAX_PAGE}`)
  .transform(Number)
  .pipe(z.int().min(1, `must be an integer from 1 to ${MAX_PAGE}`).max(MAX_PAGE, `must be at most ${MAX_PAGE}`));

const booleanParam = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true');

/** Position of a trail entry in chain order; the `next` of a page. */
export interface TrailPosition {
  readonly height: number;
  readonly phase: number;
  readonly txIndex: number;
  readonly seq: number;
}

export function trailCursor(p: TrailPosition): string {
  return `${p.height}.${p.phase}.${p.txIndex}.${p.seq}`;
}

const trailCursorParam = z
  .string()
  .regex(/^\d{1,16}\.\d{1,5}\.\d{1,10}\.\d{1,10}$/, 'must be <height>.<phase>.<txIndex>.<seq> as returned in `next`')
  .transform((raw): TrailPosition => {
    const [height, phase, txIndex, seq] = raw.split('.').map(Number) as [number, number, number, number];
    return { height, phase, txIndex, seq };
  })
  .refine((p) => Number.isSafeInteger(p.height) && p.phase <= 32767 && p.txIndex <= 2 ** 31 && p.seq <= 2 ** 31, {
    message: 'is out of range',
  });

/** `<grantedTime>.<grantId>`: position of a grant in the usage summary. */
export interface UsagePosition {
  readonly grantedTime: number;
  readonly id: string;
}

export function usageCursor(p: UsagePosition): string {
  return `${p.grantedTime}.${p.id}`;
}

const usageCursorParam = z
  .string()
  .regex(/^\d{1,16}\.[0-9a-f]{64}$/, 'must be <grantedTime>.<grantId> as returned in `next`')
  .transform((raw): UsagePosition => {
    const [grantedTime, id] = raw.split('.') as [string, string];
    return { grantedTime: Number(grantedTime), id };
  })
  .refine((p) => Number.isSafeInteger(p.grantedTime), { message: 'is out of range' });

const kindParam = z
  .string()
  .transform((raw) => [...new Set(raw.split(','))])
  .pipe(
    z
      .array(z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'each kind must be a lower-case token such as used'))
      .min(1)
      .max(MAX_KINDS, `at most ${MAX_KINDS} kinds`),
  );

const nameParam = z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}');

export const datasetPathSchema = z.strictObject({ owner: memberIdSchema, name: nameParam });
export type DatasetPath = z.output<typeof datasetPathSchema>;

/** GET /v1/datasets/:owner/:name/provenance. Unknown parameters are refused (strict), so a typo never filters nothing. */
export const trailQuerySchema = z.strictObject({
  /** Comma list of entry kinds: registered, used, granted, ... */
  kind: kindParam.optional(),
  /** Only entries about requests and grants of this department. */
  requester: memberIdSchema.optional(),
  /** Only entries about this request or grant (the access.request txId). */
  grant: hashHexSchema.optional(),
  limit: limitParam.optional(),
  cursor: trailCursorParam.optional(),
  /** false: no ledger call, every `proof` is null. */
  proofs: booleanParam.optional(),
});
export type TrailQuery = z.output<typeof trailQuerySchema>;

/** GET /v1/datasets/:owner/:name/usage. */
export const usageQuerySchema = z.strictObject({
  requester: memberIdSchema.optional(),
  limit: limitParam.optional(),
  cursor: usageCursorParam.optional(),
});
export type UsageQuery = z.output<typeof usageQuerySchema>;
