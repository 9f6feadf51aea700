import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, Roles, ZodBody, ZodParams } from '@accord/service-kit';
import type { z } from 'zod';
import { channelParamsSchema } from '../query/query.dto';
import {
  emptyBodySchema,
  genesisBodySchema,
  governanceTxAcceptedSchema,
  policyProposalBodySchema,
  proposalParamsSchema,
  voteBodySchema,
  type GenesisBody,
  type PolicyProposalBody,
  type VoteBody,
} from './governance-actions.dto';
import { GovernanceActionsService, type GovernanceTxAccepted } from './governance-actions.service';

type ChannelParams = z.output<typeof channelParamsSchema>;

const NOT_MEMBER = 'not_channel_member: this department is not an active member';
const CATCHING_UP = 'channel_catching_up: this ledger is still building the channel (retry in a moment)';

/**
 * The department's governance actions, signed by the ledger with the
 * department key (sysadmin). Thin: validation here, the checks and the
 * signing in GovernanceActionsService.
 */
@ApiTags('governance')
@Controller('v1/channels/:channel')
@Roles('sysadmin')
@ApiAcceptedResponse({
  description: 'Signed and published: {txId, status: pending, statusUrl, channel}',
  schema: openApiSchema(governanceTxAcceptedSchema),
})
@ApiServiceUnavailableResponse({
  description:
    'dependency_unavailable (details.dependency: database or bus; Retry-After header): retry later or on another replica',
})
export class GovernanceActionsController {
  constructor(private readonly actions: GovernanceActionsService) {}

  @Post('genesis')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Create a channel: sign its channel.genesis with this department among the founding members, and follow it',
  })
  @ApiBadRequestResponse({
    description:
      'genesis_invalid (details.reason: genesis.signer, genesis.own_keys, genesis.owner, genesis.members, genesis.policy, ...)',
  })
  @ApiConflictResponse({ description: "channel_already_exists: the channel's log already holds records" })
  genesis(
    @ZodParams(channelParamsSchema) { channel }: ChannelParams,
    @ZodBody(genesisBodySchema) body: GenesisBody,
  ): Promise<GovernanceTxAccepted> {
    return this.actions.genesis(channel, body);
  }

  @Post('join')
  @HttpCode(202)
  @ApiOperation({ summary: "Follow a channel and ask to join it with this department's keys (member.join.request)" })
  @ApiNotFoundResponse({ description: 'channel_not_found: nobody created the channel (its log is empty)' })
  @ApiConflictResponse({ description: `already_member, join_pending (a request of ours is open), ${CATCHING_UP}` })
  join(
    @ZodParams(channelParamsSchema) { channel }: ChannelParams,
    @ZodBody(emptyBodySchema) _body: object | undefined,
  ): Promise<GovernanceTxAccepted> {
    return this.actions.join(channel);
  }

  @Post('leave')
  @HttpCode(202)
  @ApiOperation({ summary: 'Leave a channel (member.leave)' })
  @ApiNotFoundResponse({ description: 'channel_not_found: this ledger does not follow the channel' })
  @ApiConflictResponse({
    description: `${NOT_MEMBER}, owner_cannot_leave (a private channel's owner), member_keys_mismatch, ${CATCHING_UP}`,
  })
  leave(
    @ZodParams(channelParamsSchema) { channel }: ChannelParams,
    @ZodBody(emptyBodySchema) _body: object | undefined,
  ): Promise<GovernanceTxAccepted> {
    return this.actions.leave(channel);
  }

  @Post('proposals')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Propose a policy change: the policy in force with the given fields changed (policy.change.propose; proposing is voting yes)',
  })
  @ApiBadRequestResponse({ description: 'policy_invalid (details.field): out of the policy bounds' })
  @ApiNotFoundResponse({ description: 'channel_not_found: this ledger does not follow the channel' })
  @ApiConflictResponse({
    description: `${NOT_MEMBER}, not_channel_owner (private channel), member_keys_mismatch, ${CATCHING_UP}`,
  })
  propose(
    @ZodParams(channelParamsSchema) { channel }: ChannelParams,
    @ZodBody(policyProposalBodySchema) body: PolicyProposalBody,
  ): Promise<GovernanceTxAccepted> {
    return this.actions.proposePolicy(channel, body.policy);
  }

  @Post('proposals/:id/votes')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Vote on an open proposal: member.join.vote (alliance join), member.join.approve (private channel, owner) or policy.change.vote',
  })
  @ApiNotFoundResponse({
    description: 'proposal_not_found (not open: never opened, decided or expired) or channel_not_found',
  })
  @ApiConflictResponse({
    description: `already_voted, ${NOT_MEMBER}, not_channel_owner (private join), member_keys_mismatch, ${CATCHING_UP}`,
  })
  vote(
    @ZodParams(proposalParamsSchema) { channel, id }: z.output<typeof proposalParamsSchema>,
    @ZodBody(voteBodySchema) body: VoteBody,
  ): Promise<GovernanceTxAccepted> {
    return this.actions.vote(channel, id, body.approve);
  }
}
