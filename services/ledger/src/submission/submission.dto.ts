import { hashHexSchema, hexSchema, txEnvelopeSchema, validityCodeSchema } from '@accord/protocol';
import { z } from 'zod';
import { uintParam } from '../query/query.dto';
import { MAX_WAIT_MS } from './tx-status.service';

/** The request body of POST /v1/channels/:channel/txs: a signed envelope (documentation; the handler checks it with protocol parseEnvelope). */
export const submitTxBodySchema = txEnvelopeSchema;

export const txStatusQuerySchema = z.object({
  /** Long-poll: wait up to this many ms for the tx to be committed (0 = answer at once, at most 60000). */
  waitMs: uintParam.pipe(z.int().max(MAX_WAIT_MS)).optional(),
  /** The envelope's signature: the status of exactly that envelope, not of whichever envelope with this txId took effect. */
  sig: hexSchema(64).optional(),
});

const pendingSchema = z.object({ txId: hashHexSchema, status: z.literal('pending'), channel: z.string() });
const committedSchema = z.object({
  txId: hashHexSchema,
  status: z.literal('committed'),
  channel: z.string(),
  height: z.int(),
  index: z.int(),
  code: validityCodeSchema,
  blockHash: hashHexSchema,
  final: z.boolean(),
  envelope: txEnvelopeSchema,
});

/** GET /v1/txs/:txId. */
export const txStatusResponseSchema = z.discriminatedUnion('status', [pendingSchema, committedSchema]);

/** POST /v1/channels/:channel/txs: 202 when published (or a duplicate still pending), 200 for a duplicate already committed. */
export const submitTxResponseSchema = z.object({
  txId: hashHexSchema,
  status: z.enum(['pending', 'committed']),
  /** Where to poll for this envelope (GET /v1/txs/:txId?sig=..., add &waitMs=N to long-poll). */
  statusUrl: z.string(),
  /** True when this envelope (txId and signature) had been submitted or committed before: it was not published again. */
  duplicate: z.boolean(),
  channel: z.string(),
  height: z.int().optional(),
  index: z.int().optional(),
  code: validityCodeSchema.optional(),
  final: z.boolean().optional(),
});

/** The request body of POST /v1/channels/:channel/txs/batch: 1 to 1000 envelopes, each checked as the single endpoint checks its body. */
export const submitTxBatchBodySchema = z.array(txEnvelopeSchema).min(1).max(1000);

/** The answer for one envelope of a batch that was refused (the others are answered as the single endpoint answers). */
export const batchItemErrorSchema = z.object({
  error: z.object({
    /** envelope_invalid. */
    code: z.string(),
    message: z.string(),
    /** reason: the protocol code (tx.invalid, tx.too_large, tx.wrong_channel, json.*). */
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** POST /v1/channels/:channel/txs/batch: one result per envelope, in request order. */
export const submitTxBatchResponseSchema = z.object({
  results: z.array(z.union([submitTxResponseSchema, batchItemErrorSchema])),
});
