import { channelNameSchema, hashHexSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { channelConfigSchema } from '../governance/channel-config.schema';

/**
 * Everything a BlockBuilder needs to resume after its last closed block
 * (plus the nonce registry, which lives in the service's database). Plain
 * JSON; the open block is never saved: it is rebuilt from the log, starting
 * at `nextOffset`.
 */
export const builderSnapshotSchema = z.strictObject({
  v: z.literal(1),
  channel: channelNameSchema,
  /** Height of the next block. */
  nextHeight: uintSchema,
  /** Hash of the last closed block (64 zeros before the genesis block). */
  prevHash: hashHexSchema,
  /** Time of the last closed block; block time never goes backwards even if log timestamps do. */
  prevTime: uintSchema,
  /** lastOffset + 1 of the last closed block: where to resume reading. */
  nextOffset: uintSchema,
  /** Configuration after the last closed block; null until a genesis took effect. */
  config: channelConfigSchema.nullable(),
});
export type BuilderSnapshot = z.output<typeof builderSnapshotSchema>;
