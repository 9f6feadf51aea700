import { channelNameSchema } from '@accord/protocol';
import { z } from 'zod';

export const channelPathSchema = z.strictObject({ channel: channelNameSchema });
export type ChannelPath = z.output<typeof channelPathSchema>;

/** GET /v1/channels/:channel/catalog.jsonld; unknown parameters are refused. */
export const catalogQuerySchema = z.strictObject({
  /** active (default): the datasets one may request; all: deprecated ones too. */
  status: z.enum(['active', 'all'], 'must be active or all').optional(),
});
export type CatalogQuery = z.output<typeof catalogQuerySchema>;
