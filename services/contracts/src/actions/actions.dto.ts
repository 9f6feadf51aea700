import { accessRequestSchema, textSchema } from '@accord/rules';
import { z } from 'zod';
import { MAX_WAIT_MS, uintParam } from '../query/query.dto';

/** POST /v1/channels/:channel/requests: what this department asks for (access.request payload). */
export const requestBodySchema = accessRequestSchema;
export type RequestBody = z.output<typeof requestBodySchema>;

/** POST .../refuse and .../revoke: an optional reason recorded on the chain. */
export const reasonBodySchema = z.strictObject({ reason: textSchema(500).optional() });
export type ReasonBody = z.output<typeof reasonBodySchema>;

/** POST .../consent and .../cancel take no body (an empty object is accepted). */
export const emptyBodySchema = z.strictObject({}).optional();

/** Query of the actions on a request or grant. */
export const actionQuerySchema = z.object({
  /** Wait up to this many ms for the request or grant to be applied here (0 = answer at once, at most 30000). */
  waitMs: uintParam.pipe(z.int().max(MAX_WAIT_MS)).optional(),
});
export type ActionQuery = z.output<typeof actionQuerySchema>;
