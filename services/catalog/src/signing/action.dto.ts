import { channelNameSchema, memberIdSchema, NAME_PATTERN } from '@accord/protocol';
import { z } from 'zod';

/** Path parameters shared by the catalog's actions. */
export const channelParamsSchema = z.object({ channel: channelNameSchema });

/** `/v1/datasets/:owner/:name/...`: the dataset id `<owner>/<name>` in two segments. */
export const datasetParamsSchema = z.object({
  owner: memberIdSchema,
  name: z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}'),
});
export type DatasetParams = z.output<typeof datasetParamsSchema>;
