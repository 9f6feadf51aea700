import { channelNameSchema, hashHexSchema } from '@accord/protocol';
import { channelPolicySchema, genesisPayloadSchema, genesisPolicySchema } from '@accord/ledger-core';
import { z } from 'zod';

/** POST /v1/channels/:channel/genesis: the genesis payload; the policy may be left out (defaults apply). */
export const genesisBodySchema = genesisPayloadSchema.extend({ policy: genesisPolicySchema.optional() });
export type GenesisBody = z.output<typeof genesisBodySchema>;

/** POST .../join and .../leave take no body (an empty object is accepted). */
export const emptyBodySchema = z.strictObject({}).optional();

/** POST .../proposals: the policy fields to change; the others stay as in force. */
export const policyProposalBodySchema = z.strictObject({
  policy: channelPolicySchema
    .partial()
    .refine((policy) => Object.keys(policy).length > 0, 'must change at least one policy field'),
});
export type PolicyProposalBody = z.output<typeof policyProposalBodySchema>;

/** POST .../proposals/:id/votes. */
export const voteBodySchema = z.strictObject({ approve: z.boolean() });
export type VoteBody = z.output<typeof voteBodySchema>;

export const proposalParamsSchema = z.strictObject({ channel: channelNameSchema, id: hashHexSchema });

/** 202 of every governance action. */
export const governanceTxAcceptedSchema = z.object({
  txId: hashHexSchema,
  status: z.literal('pending'),
  /** `/v1/txs/<txId>?channel=<channel>`; add `&waitMs=N` to long-poll for the commit and its validity code. */
  statusUrl: z.string(),
  channel: z.string(),
});
