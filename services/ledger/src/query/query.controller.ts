import { Controller, Get } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  membersSchema,
  type Members,
  type TxProof,
  type TxProofBundle,
  txProofBundleSchema,
  txProofSchema,
} from '@accord/protocol';
import { openApiSchema, ROLES, Roles, ZodParams, ZodQuery } from '@accord/service-kit';
import { z } from 'zod';
import type { ChainConsistencyProof } from './chain-consistency.builder';
import {
  ChainQueryService,
  type BlockAttestationsView,
  type BlockPage,
  type BlockView,
  type ChannelHead,
  type GovernanceEventPage,
  type MembersView,
  type MemberTxPage,
  type ProposalsView,
} from './chain-query.service';
import {
  blockParamsSchema,
  blockRangeQuerySchema,
  channelParamsSchema,
  consistencyQuerySchema,
  heightQuerySchema,
  memberParamsSchema,
  memberTxsQuerySchema,
  txIdParamsSchema,
  txProofQuerySchema,
  uintParam,
  MAX_PAGE,
  ApiPathParams,
} from './query.dto';

const DEFAULT_PAGE = 50;

const eventsQuerySchema = z.object({
  from: uintParam.optional(),
  limit: uintParam.pipe(z.int().min(1).max(MAX_PAGE)).optional(),
});

/** Reads of the stored chain (any authenticated role). Thin: validation here, the rest in ChainQueryService. */
@ApiTags('chain')
@Controller('v1')
@Roles(...ROLES)
@ApiNotFoundResponse({ description: 'channel_not_found, block_not_found or tx_not_found' })
export class QueryController {
  constructor(private readonly chain: ChainQueryService) {}

  @Get('channels/:channel/head')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({ summary: 'Head of a channel: last committed block, its hash and finality, highest final block' })
  head(@ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>): Promise<ChannelHead> {
    return this.chain.head(channel);
  }

  @Get('channels/:channel/blocks')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({ summary: 'Block headers in height order, paged (?from=&limit=, next page from `next`)' })
  blocks(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(blockRangeQuerySchema) query: z.output<typeof blockRangeQuerySchema>,
  ): Promise<BlockPage> {
    return this.chain.blockRange(channel, query.from ?? 0, query.limit ?? DEFAULT_PAGE);
  }

  @Get('channels/:channel/blocks/:height')
  @ApiPathParams(blockParamsSchema)
  @ApiOperation({ summary: 'A block with its txs and validity codes (the protocol block) and its finality' })
  block(@ZodParams(blockParamsSchema) { channel, height }: z.output<typeof blockParamsSchema>): Promise<BlockView> {
    return this.chain.block(channel, height);
  }

  @Get('channels/:channel/blocks/:height/attestations')
  @ApiPathParams(blockParamsSchema)
  @ApiOperation({ summary: 'Attestations stored for a height (block and state) and the finality decision' })
  attestations(
    @ZodParams(blockParamsSchema) { channel, height }: z.output<typeof blockParamsSchema>,
  ): Promise<BlockAttestationsView> {
    return this.chain.blockAttestations(channel, height);
  }

  @Get('txs/:txId/proof')
  @ApiPathParams(txIdParamsSchema)
  @ApiOperation({
    summary:
      "Proof of a committed tx, verifiable offline with `accord verify-proof` and the members' keys at its height",
  })
  @ApiOkResponse({ schema: openApiSchema(txProofSchema) })
  @ApiUnprocessableEntityResponse({
    description:
      'tx_not_provable (its block precedes the genesis) or ledger_row_corrupt (stored txs do not match the header: run an audit)',
  })
  proof(
    @ZodParams(txIdParamsSchema) { txId }: z.output<typeof txIdParamsSchema>,
    @ZodQuery(txProofQuerySchema) query: z.output<typeof txProofQuerySchema>,
  ): Promise<TxProof> {
    return this.chain.txProof(txId, query.channel);
  }

  @Get('txs/:txId/proof-bundle')
  @ApiPathParams(txIdParamsSchema)
  @ApiOperation({
    summary:
      "Proof of a committed tx with the members' keys in force at its block and the quorum of the channel policy there: `accord verify-proof` needs nothing else",
  })
  @ApiOkResponse({ schema: openApiSchema(txProofBundleSchema) })
  @ApiUnprocessableEntityResponse({
    description:
      'tx_not_provable (its block precedes the genesis) or ledger_row_corrupt (stored txs do not match the header: run an audit)',
  })
  proofBundle(
    @ZodParams(txIdParamsSchema) { txId }: z.output<typeof txIdParamsSchema>,
    @ZodQuery(txProofQuerySchema) query: z.output<typeof txProofQuerySchema>,
  ): Promise<TxProofBundle> {
    return this.chain.txProofBundle(txId, query.channel);
  }

  @Get('channels/:channel/consistency')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({
    summary:
      'RFC 6962 consistency proof between the chain up to height `from` and up to height `to` (leaves: block hashes; sizes = heights + 1)',
  })
  @ApiBadRequestResponse({ description: 'range_invalid: from > to, to beyond the head, or no block yet' })
  @ApiUnprocessableEntityResponse({ description: 'ledger_row_corrupt: blocks are missing below `to` (run an audit)' })
  consistency(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(consistencyQuerySchema) query: z.output<typeof consistencyQuerySchema>,
  ): Promise<ChainConsistencyProof> {
    return this.chain.consistency(channel, query.from, query.to);
  }

  @Get('channels/:channel/members')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({ summary: 'Members with their status and keys, policy and finality quorum, at the head or ?height=' })
  members(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(heightQuerySchema) query: z.output<typeof heightQuerySchema>,
  ): Promise<MembersView> {
    return this.chain.members(channel, query.height);
  }

  @Get('channels/:channel/members/keys')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({
    summary: 'members.json of the members active at the head or ?height= (for `accord verify-proof --keys`)',
  })
  @ApiOkResponse({ schema: openApiSchema(membersSchema) })
  memberKeys(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(heightQuerySchema) query: z.output<typeof heightQuerySchema>,
  ): Promise<Members> {
    return this.chain.memberKeys(channel, query.height);
  }

  @Get('channels/:channel/members/:member/txs')
  @ApiPathParams(memberParamsSchema)
  @ApiOperation({ summary: 'Txs signed by a member in chain order, paged (?after=<height>:<index>&limit=)' })
  memberTxs(
    @ZodParams(memberParamsSchema) { channel, member }: z.output<typeof memberParamsSchema>,
    @ZodQuery(memberTxsQuerySchema) query: z.output<typeof memberTxsQuerySchema>,
  ): Promise<MemberTxPage> {
    return this.chain.memberTxs(channel, member, query.after, query.limit ?? DEFAULT_PAGE);
  }

  @Get('channels/:channel/proposals')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({
    summary: 'Open governance proposals (joins, policy changes) with their votes and tally, at the head or ?height=',
  })
  proposals(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(heightQuerySchema) query: z.output<typeof heightQuerySchema>,
  ): Promise<ProposalsView> {
    return this.chain.proposals(channel, query.height);
  }

  @Get('channels/:channel/governance-events')
  @ApiPathParams(channelParamsSchema)
  @ApiOperation({
    summary: 'Configuration changes in chain order (admissions, votes, departures, rotations, policy changes)',
  })
  governanceEvents(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodQuery(eventsQuerySchema) query: z.output<typeof eventsQuerySchema>,
  ): Promise<GovernanceEventPage> {
    return this.chain.governanceEvents(channel, query.from ?? 0, query.limit ?? DEFAULT_PAGE);
  }
}
