import { STRONG_RECORD_MEDIA_TYPES } from '@accord/data-plane';
import { channelNameSchema, hashHexSchema } from '@accord/protocol';
import { datasetIdSchema, tokenSchema } from '@accord/rules';
import { z } from 'zod';

/**
 * POST /v1/records: a record of one of our datasets. `content` is the
 * record itself (a JSON document or CSV rows) as text; its size is checked
 * by the use case (record_too_large), not here.
 */
export const publishRecordBodySchema = z.strictObject({
  channel: channelNameSchema,
  dataset: datasetIdSchema,
  record: tokenSchema,
  mediaType: z.enum(STRONG_RECORD_MEDIA_TYPES),
  content: z.string(),
});
export type PublishRecordBody = z.output<typeof publishRecordBodySchema>;

/** GET /v1/records: the records of a channel, optionally of one dataset. */
export const recordsQuerySchema = z.strictObject({
  channel: channelNameSchema,
  dataset: datasetIdSchema.optional(),
});
export type RecordsQuery = z.output<typeof recordsQuerySchema>;

export const recordParamsSchema = z.strictObject({ txId: hashHexSchema });
export type RecordParams = z.output<typeof recordParamsSchema>;
