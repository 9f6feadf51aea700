import { datasetOwner, mediaTypeSchema } from '@accord/data-plane';
import { channelNameSchema } from '@accord/protocol';
import { datasetIdSchema } from '@accord/rules';
import { z } from 'zod';
import { NotDatasetOwnerError, UploadMetadataInvalidError } from '../storage-gateway.errors';

/** What an upload stores: which dataset version of which channel, and its media type (from Upload-Metadata). */
export const uploadTargetSchema = z.object({
  channel: channelNameSchema,
  dataset: datasetIdSchema,
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be an integer from 1')
    .transform(Number),
  mediaType: mediaTypeSchema,
  filename: z.string().max(255).optional(),
});
export type UploadTarget = z.output<typeof uploadTargetSchema>;

/**
 * The upload's target from its decoded metadata (other keys are kept in the
 * stored metadata but mean nothing here); only the dataset's owner uploads.
 */
export function uploadTargetOf(metadata: Readonly<Record<string, string>>, department: string): UploadTarget {
  const parsed = uploadTargetSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UploadMetadataInvalidError(
      `Upload-Metadata: ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is invalid'} (keys: channel, dataset, version, mediaType, filename)`,
    );
  }
  if (datasetOwner(parsed.data.dataset) !== department) throw new NotDatasetOwnerError(parsed.data.dataset, department);
  return parsed.data;
}
