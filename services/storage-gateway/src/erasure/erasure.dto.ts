import { channelNameSchema, hashHexSchema } from '@accord/protocol';
import { textSchema } from '@accord/rules';
import { z } from 'zod';

/**
 * POST /v1/erasures: what to erase. `tx` is the storage.anchor txId of an
 * object, or the strong.record txId of a record; the reason goes on the chain.
 */
export const erasureBodySchema = z.strictObject({
  channel: channelNameSchema,
  target: z.enum(['object', 'record']),
  tx: hashHexSchema,
  reason: textSchema(500).min(1),
});
export type ErasureBody = z.output<typeof erasureBodySchema>;
