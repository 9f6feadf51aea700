import { z } from 'zod';
import { SCRUB_FINDING_KINDS } from './scrub-finding';

/** GET /v1/scrubber/runs/:id */
export const scrubRunParamsSchema = z.object({ id: z.uuid() });
export type ScrubRunParams = z.output<typeof scrubRunParamsSchema>;

/** POST /v1/scrubber/runs?wait=true: answer once the run ended, with its findings. */
export const startScrubQuerySchema = z.object({
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export type StartScrubQuery = z.output<typeof startScrubQuerySchema>;

const isoTime = z.string().describe('ISO 8601 time');

export const scrubRunSchema = z.object({
  runId: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  objectsChecked: z.int(),
  bytesRead: z.int().describe('Ciphertext bytes read (headers, segments and their tags)'),
  findings: z.int(),
});
export type ScrubRunView = z.output<typeof scrubRunSchema>;

export const scrubRunStateSchema = scrubRunSchema.extend({
  status: z.enum(['running', 'finished', 'stopped']),
});
export type ScrubRunStateView = z.output<typeof scrubRunStateSchema>;

export const scrubFindingSchema = z.object({
  findingId: z.string(),
  runId: z.string(),
  objectId: z.string(),
  channel: z.string().nullable(),
  dataset: z.string().nullable(),
  kind: z.enum(SCRUB_FINDING_KINDS),
  detail: z.string(),
  foundAt: isoTime,
});
export type ScrubFindingView = z.output<typeof scrubFindingSchema>;

export const scrubberStatusSchema = z.object({
  schedule: z.object({
    intervalMs: z.int().describe('0: runs on demand only'),
    bytesPerSecond: z.int(),
  }),
  running: z.boolean(),
  lastRun: scrubRunSchema.nullable().describe('The last run that finished (null before the first)'),
  findings: z.array(scrubFindingSchema).describe('Findings of the last finished run (at most 1000)'),
});
export type ScrubberStatusView = z.output<typeof scrubberStatusSchema>;

export const scrubRunReportSchema = z.object({
  run: scrubRunStateSchema,
  findings: z.array(scrubFindingSchema).describe('At most 1000; run.findings is the full count'),
});
export type ScrubRunReportView = z.output<typeof scrubRunReportSchema>;

export const scrubStartedSchema = z.object({ runId: z.string(), status: z.literal('running') });
