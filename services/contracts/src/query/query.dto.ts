import { channelNameSchema, hashHexSchema, memberIdSchema, NAME_PATTERN } from '@accord/protocol';
import { accessRequestSchema, datasetIdSchema, GRANT_STATUSES, REQUEST_STATUSES } from '@accord/rules';
import { z } from 'zod';

/** Largest page of a list. */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

/** A non-negative integer in a path or query string. */
export const uintParam = z
  .string()
  .regex(/^\d{1,16}$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.int().min(0).max(Number.MAX_SAFE_INTEGER));

const limitParam = uintParam.pipe(z.int().min(1).max(MAX_PAGE));

/** `<height>:<id>` cursor of the request and grant lists (the `next` of the previous page). */
const cursorParam = z
  .string()
  .regex(/^\d{1,16}:[0-9a-f]{64}$/, 'must be <height>:<id> as returned in `next`')
  .transform((raw) => {
    const [height, id] = raw.split(':');
    return { height: Number(height), id };
  });

export const channelParamsSchema = z.object({ channel: channelNameSchema });
export const memberParamsSchema = z.object({ channel: channelNameSchema, member: memberIdSchema });
export const datasetParamsSchema = z.object({
  channel: channelNameSchema,
  owner: memberIdSchema,
  name: z.string().regex(NAME_PATTERN, 'must match [a-z0-9][a-z0-9._-]{0,63}'),
});
export const idParamsSchema = z.object({ channel: channelNameSchema, id: hashHexSchema });
export const txIdParamsSchema = z.object({ txId: hashHexSchema });
export const heightParamsSchema = z.object({ channel: channelNameSchema, height: uintParam });

export const datasetsQuerySchema = z.object({ owner: memberIdSchema.optional() });

export const requestsQuerySchema = z.object({
  requester: memberIdSchema.optional(),
  provider: memberIdSchema.optional(),
  dataset: datasetIdSchema.optional(),
  status: z.enum([...REQUEST_STATUSES, 'rejected']).optional(),
  after: cursorParam.optional(),
  limit: limitParam.optional(),
});

export const grantsQuerySchema = z.object({
  requester: memberIdSchema.optional(),
  provider: memberIdSchema.optional(),
  dataset: datasetIdSchema.optional(),
  status: z.enum(GRANT_STATUSES).optional(),
  after: cursorParam.optional(),
  limit: limitParam.optional(),
});

export const digestsQuerySchema = z.object({ from: uintParam.optional(), limit: limitParam.optional() });

/** Upper bound of one long-poll (receipts, actions waiting for their record). */
export const MAX_WAIT_MS = 30_000;

export const receiptsQuerySchema = z.object({
  /** Long-poll: wait up to this many ms for the tx's receipts (0 = answer at once, at most 30000). */
  waitMs: uintParam.pipe(z.int().max(MAX_WAIT_MS)).optional(),
});

/**
 * POST /v1/channels/:channel/evaluate: an access request to judge without
 * submitting it. `requester` defaults to this department; `at` (block time,
 * ms) to now.
 */
export const evaluateBodySchema = accessRequestSchema.extend({
  requester: memberIdSchema.optional(),
  at: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type EvaluateBody = z.output<typeof evaluateBodySchema>;
