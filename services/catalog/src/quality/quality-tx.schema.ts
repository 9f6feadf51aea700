import { hashHexSchema } from '@accord/protocol';
import { datasetIdSchema, textSchema } from '@accord/rules';
import { z } from 'zod';

/**
 * Quality feedback txs (docs/catalog.md "Quality feedback"): a data user
 * reports a problem with a dataset version; the dataset's owner answers it.
 * The rule engine passes them by; the catalog projects them. Both are
 * signed by the department, like every tx.
 */
export const QUALITY_REPORT = 'quality.report';
export const QUALITY_ANSWER = 'quality.answer';
export const QUALITY_TX_TYPES = [QUALITY_REPORT, QUALITY_ANSWER] as const;
export type QualityTxType = (typeof QUALITY_TX_TYPES)[number];

export const QUALITY_CATEGORIES = [
  'incorrect',
  'incomplete',
  'outdated',
  'inconsistent',
  'unavailable',
  'other',
] as const;
export const QUALITY_RESOLUTIONS = ['fixed', 'rejected', 'acknowledged'] as const;

/** quality.report, signed by a member that does not own the dataset; its txId names the report. */
export const qualityReportSchema = z.strictObject({
  dataset: datasetIdSchema,
  version: z.int().min(1),
  category: z.enum(QUALITY_CATEGORIES),
  reason: textSchema(500).min(1),
});
export type QualityReportPayload = z.output<typeof qualityReportSchema>;

/**
 * quality.answer, signed by the dataset's owner: closes the report. `fixed`
 * names the version that fixes it (an update already registered or to come).
 */
export const qualityAnswerSchema = z
  .strictObject({
    report: hashHexSchema,
    resolution: z.enum(QUALITY_RESOLUTIONS),
    answer: textSchema(500).min(1),
    fixedVersion: z.int().min(2).optional(),
  })
  .refine((a) => a.resolution === 'fixed' || a.fixedVersion === undefined, {
    message: 'is only given with resolution fixed',
    path: ['fixedVersion'],
  });
export type QualityAnswerPayload = z.output<typeof qualityAnswerSchema>;

export const QUALITY_TX_SCHEMAS = {
  [QUALITY_REPORT]: qualityReportSchema,
  [QUALITY_ANSWER]: qualityAnswerSchema,
} as const;
