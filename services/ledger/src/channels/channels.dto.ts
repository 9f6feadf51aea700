import { channelNameSchema, txEnvelopeSchema } from '@accord/protocol';
import { z } from 'zod';

export const followParamsSchema = z.strictObject({ channel: channelNameSchema });

/** POST /v1/channels: a signed channel.genesis envelope (documentation; checkGenesis validates it). */
export const createChannelBodySchema = txEnvelopeSchema;

const runnerSchema = z.object({
  state: z.enum(['starting', 'running', 'retrying', 'diverged', 'stopped']),
  readOffset: z.int(),
  openBlock: z
    .object({ height: z.int(), firstOffset: z.int(), lastOffset: z.int(), txCount: z.int(), bytes: z.int() })
    .nullable(),
  pendingBlocks: z.int(),
  atEndOfLog: z.boolean(),
  lastError: z.string().nullable(),
});

export const channelViewSchema = z.object({
  channel: z.string(),
  following: z.boolean(),
  followSource: z.enum(['config', 'api', 'create']),
  followedAt: z.string(),
  kind: z.enum(['public', 'alliance', 'private']).nullable(),
  owner: z.string().nullable(),
  activeMembers: z.int(),
  head: z.object({ height: z.int(), hash: z.string() }).nullable(),
  nextOffset: z.int(),
  runner: runnerSchema.nullable(),
});

export const channelListSchema = z.object({ channels: z.array(channelViewSchema) });

export const channelCreatedSchema = z.object({
  channel: z.string(),
  txId: z.string(),
  offset: z.int(),
  statusUrl: z.string(),
  view: channelViewSchema,
});
