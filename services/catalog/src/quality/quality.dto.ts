import { hashHexSchema } from '@accord/protocol';
import { textSchema } from '@accord/rules';
import { z } from 'zod';
import { QUALITY_CATEGORIES, QUALITY_RESOLUTIONS } from './quality-tx.schema';

/** POST /v1/datasets/:owner/:name/reports: the quality.report payload; `version` defaults to the current one. */
export const reportBodySchema = z.strictObject({
  version: z.int().min(1).optional(),
  category: z.enum(QUALITY_CATEGORIES),
  reason: textSchema(500).min(1),
});
export type ReportBody = z.output<typeof reportBodySchema>;

/** POST /v1/reports/:id/answer: the quality.answer payload without the report (it is in the path). */
export const answerBodySchema = z
  .strictObject({
    resolution: z.enum(QUALITY_RESOLUTIONS),
    answer: textSchema(500).min(1),
    fixedVersion: z.int().min(2).optional(),
  })
  .refine((a) => a.resolution === 'fixed' || a.fixedVersion === undefined, {
    message: 'is only given with resolution fixed',
    path: ['fixedVersion'],
  });
export type AnswerBody = z.output<typeof answerBodySchema>;

export const reportParamsSchema = z.object({ id: hashHexSchema });

export const MAX_REPORTS = 1000;

/** GET /v1/datasets/:owner/:name/reports: which reports (default all), newest first, at most `limit` (default 100). */
export const reportsQuerySchema = z.object({
  status: z.enum(['open', 'answered', 'all']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be an integer from 1 to 1000')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_REPORTS))
    .optional(),
});
export type ReportsQuery = z.output<typeof reportsQuerySchema>;
