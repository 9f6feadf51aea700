import { channelNameSchema } from '@accord/protocol';
import { datasetIdSchema } from '@accord/rules';
import { z } from 'zod';

/** Statuses of a held object: being uploaded, waiting for its anchor, served, erased. */
export const OBJECT_STATUSES = ['uploading', 'anchoring', 'available', 'erased'] as const;

/** GET /v1/objects: filters (all optional). */
export const objectsQuerySchema = z.object({
  channel: channelNameSchema.optional(),
  dataset: datasetIdSchema.optional(),
  status: z.enum(OBJECT_STATUSES).optional(),
});
export type ObjectsQuery = z.output<typeof objectsQuerySchema>;

export const objectParamsSchema = z.object({ id: z.uuid() });
export type ObjectParams = z.output<typeof objectParamsSchema>;

/** An object as the API shows it (never its key or pieces). */
export interface ObjectView {
  readonly objectId: string;
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly sha256: string | null;
  readonly chunkSize: number;
  readonly chunkRoot: string | null;
  readonly anchorTxId: string | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
}
