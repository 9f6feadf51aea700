import { channelNameSchema } from '@accord/protocol';
import { datasetIdSchema } from '@accord/rules';
import { z } from 'zod';
import type { StoredObject } from '../vault/stored-object';

/**
 * Statuses of a held object: an upload being received, waiting for its
 * anchor, served, erased; a transfer copy being received, or failed.
 */
export const OBJECT_STATUSES = ['uploading', 'anchoring', 'available', 'erased', 'receiving', 'failed'] as const;

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
export type ObjectView = Omit<StoredObject, 'wrappedKey'>;
