import { accessRequestSchema, textSchema } from '@accord/rules';
import { z } from 'zod';

/** POST /v1/channels/:channel/requests: what this department asks for (access.request payload). */
export const requestBodySchema = accessRequestSchema;
export type RequestBody = z.output<typeof requestBodySchema>;

/** POST .../refuse and .../revoke: an optional reason recorded on the chain. */
export const reasonBodySchema = z.strictObject({ reason: textSchema(500).optional() });
export type ReasonBody = z.output<typeof reasonBodySchema>;

/** POST .../consent and .../cancel take no body (an empty object is accepted). */
export const emptyBodySchema = z.strictObject({}).optional();
