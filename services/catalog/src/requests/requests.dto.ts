import { hashHexSchema } from '@accord/protocol';
import { datasetIdSchema, parseIsoDurationMs, REQUEST_STATUSES, tokenSchema } from '@accord/rules';
import { z } from 'zod';

/** Most datasets in one POST /v1/requests, and most ids in one GET /v1/requests?ids=. */
export const MAX_REQUEST_ITEMS = 50;
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

const durationMsSchema = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
/** ISO 8601 duration in fixed-length units, as the policies' elapsedTime (P30D, P2W, PT12H, P1DT2H30M). */
const isoDurationSchema = z
  .string()
  .max(64)
  .refine(
    (text) => parseIsoDurationMs(text) !== undefined,
    'must be an ISO 8601 duration in weeks, days, hours, minutes or whole seconds, such as P30D, P2W or PT12H',
  );

const oneDurationAtMost = (d: { durationMs?: number; duration?: string }) =>
  d.durationMs === undefined || d.duration === undefined;

export const requestItemSchema = z
  .strictObject({
    dataset: datasetIdSchema,
    /** Overrides the batch's purpose for this dataset. */
    purpose: tokenSchema.optional(),
    /** Override the batch's duration for this dataset: ms, or an ISO 8601 duration (not both). */
    durationMs: durationMsSchema.optional(),
    duration: isoDurationSchema.optional(),
  })
  .refine(oneDurationAtMost, { message: 'give durationMs or duration, not both', path: ['duration'] });

/**
 * POST /v1/requests: one access request per item, each on its dataset's
 * channel. The duration is `durationMs` or `duration` (ISO 8601), exactly one.
 */
export const requestBatchBodySchema = z
  .strictObject({
    purpose: tokenSchema,
    durationMs: durationMsSchema.optional(),
    duration: isoDurationSchema.optional(),
    items: z.array(requestItemSchema).min(1).max(MAX_REQUEST_ITEMS),
  })
  .superRefine((body, ctx) => {
    if ((body.durationMs === undefined) === (body.duration === undefined))
      ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'give exactly one of durationMs and duration' });
    const seen = new Set<string>();
    body.items.forEach((item, i) => {
      if (seen.has(item.dataset))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'dataset'], message: `${item.dataset} is listed twice` });
      seen.add(item.dataset);
    });
  });
export type RequestBatchBody = z.output<typeof requestBatchBodySchema>;

/** `GET /v1/requests?ids=<txId>,<txId>`: 1 to 50 request ids (the txIds POST /v1/requests answered). */
export const requestIdsQuerySchema = z.object({
  ids: z
    .string()
    .max(MAX_REQUEST_ITEMS * 65)
    .transform((raw) => raw.split(','))
    .pipe(z.array(hashHexSchema).min(1).max(MAX_REQUEST_ITEMS)),
});
export type RequestIdsQuery = z.output<typeof requestIdsQuerySchema>;

const cursorParam = z
  .string()
  .regex(/^\d{1,16}:[0-9a-f]{64}$/, 'must be <height>:<id> as returned in `next`')
  .transform((raw) => {
    const [height, id] = raw.split(':') as [string, string];
    return { height: Number(height), id };
  });

const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, 'must be an integer from 1 to 1000')
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_PAGE));

/** `GET /v1/requests/mine`: this department's requests, newest first. */
export const myRequestsQuerySchema = z.object({
  status: z.enum([...REQUEST_STATUSES, 'rejected']).optional(),
  dataset: datasetIdSchema.optional(),
  after: cursorParam.optional(),
  limit: limitParam.optional(),
});
export type MyRequestsQuery = z.output<typeof myRequestsQuerySchema>;
