import { uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { tokenSchema } from '../common/rules-ids.schema';

/**
 * What the engine evaluates: a dataset's ODRL policy mapped to the six
 * terms of DESIGN.md "Usage policies" (docs/rules.md has the mapping).
 */
export const usageTermsSchema = z.strictObject({
  /** Lowest permission level a requester must have (0 when the policy says nothing). */
  minLevel: uintSchema,
  /** Allowed purposes, sorted; null when any purpose is allowed. */
  purposes: z.array(tokenSchema).nullable(),
  /** Requests wait for the provider's access.consent. */
  consentRequired: z.boolean(),
  /** Longest grant the policy allows; null for "only the channel's maxGrantDurationMs". */
  maxDurationMs: z.int().min(1).nullable(),
  /** Accesses (access.use) one grant allows; null for unlimited. */
  maxAccesses: z.int().min(1).nullable(),
  /** Points the requester pays the provider for a grant, on top of the channel's request fee. */
  compensation: uintSchema,
});
export type UsageTerms = z.output<typeof usageTermsSchema>;
