import { uintSchema } from '@accord/protocol';
import { z } from 'zod';

/** POST /v1/channels/:channel/audit: the heights to re-verify (default: the whole chain). */
export const auditRequestSchema = z.strictObject({
  fromHeight: uintSchema.optional(),
  toHeight: uintSchema.optional(),
});

export const auditResponseSchema = z.object({
  ok: z.boolean(),
  channel: z.string(),
  fromHeight: z.int(),
  toHeight: z.int(),
  blocks: z.int(),
  txs: z.int(),
  durationMs: z.int(),
  /** ok: hash of block toHeight as recomputed. */
  blockHash: z.string().nullable().optional(),
  /** not ok: the first bad height, the tx at fault if one is, a stable code and the reason. */
  height: z.int().optional(),
  index: z.int().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  members: z.array(z.string()).optional(),
});
