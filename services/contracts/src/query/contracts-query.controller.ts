import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, Roles, ZodBody, ZodParams, ZodQuery } from '@accord/service-kit';
import type { GrantRecord } from '@accord/rules';
import type { z } from 'zod';
import type { RequestListItem } from '../persistence/contracts-read.repository';
import type { StoredDigest, StoredReceipt } from '../persistence/receipt.repository';
import {
  ContractsQueryService,
  type AccountView,
  type ChannelSummary,
  type ChannelView,
  type EvaluationView,
  type GrantView,
  type Page,
  type RequestView,
} from './contracts-query.service';
import {
  channelParamsSchema,
  datasetParamsSchema,
  datasetsQuerySchema,
  DEFAULT_PAGE,
  digestsQuerySchema,
  evaluateBodySchema,
  grantsQuerySchema,
  heightParamsSchema,
  idParamsSchema,
  memberParamsSchema,
  receiptsQuerySchema,
  requestsQuerySchema,
  txIdParamsSchema,
  type EvaluateBody,
} from './query.dto';

type Params<S extends z.ZodType> = z.output<S>;

/** Reads of the rule state and the dry run (any authenticated role). Thin: validation here, the rest in ContractsQueryService. */
@ApiTags('rules')
@Controller('v1')
@Roles(...ROLES)
export class ContractsQueryController {
  constructor(private readonly query: ContractsQueryService) {}

  @Get('channels')
  @ApiOperation({
    summary: 'Channels this department applies blocks of: height, block hash, state digest, publication, halt',
  })
  channels(): { readonly channels: readonly ChannelSummary[] } {
    return { channels: this.query.channels() };
  }

  @Get('channels/:channel')
  @ApiOperation({ summary: 'A channel: head, state digest, rule parameters in force, record counts' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  channel(@ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>): ChannelView {
    return this.query.channel(channel);
  }

  @Get('channels/:channel/accounts')
  @ApiOperation({ summary: 'Points (balance, held, score) and permission level of every member' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  accounts(@ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>): {
    readonly channel: string;
    readonly height: number;
    readonly accounts: readonly AccountView[];
  } {
    return this.query.accounts(channel);
  }

  @Get('channels/:channel/accounts/:member')
  @ApiOperation({ summary: "A member's points and permission level (zeros for a department without points)" })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  account(@ZodParams(memberParamsSchema) { channel, member }: Params<typeof memberParamsSchema>): AccountView {
    return this.query.account(channel, member);
  }

  @Get('channels/:channel/datasets')
  @ApiOperation({ summary: 'Registered datasets with their usage terms (?owner=)' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  datasets(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodQuery(datasetsQuerySchema) query: Params<typeof datasetsQuerySchema>,
  ) {
    return this.query.datasets(channel, query.owner);
  }

  @Get('channels/:channel/datasets/:owner/:name')
  @ApiOperation({ summary: 'A dataset and its history (registration, updates, deprecation, rejections)' })
  @ApiNotFoundResponse({ description: 'channel_not_found or dataset_not_found' })
  dataset(@ZodParams(datasetParamsSchema) { channel, owner, name }: Params<typeof datasetParamsSchema>) {
    return this.query.dataset(channel, `${owner}/${name}`);
  }

  @Get('channels/:channel/requests')
  @ApiOperation({
    summary:
      'Access requests in chain order (?requester=&provider=&dataset=&status=&after=&limit=), with the reasons of their decision',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  requests(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodQuery(requestsQuerySchema) query: Params<typeof requestsQuerySchema>,
  ): Promise<Page<RequestListItem>> {
    return this.query.requests(channel, { ...query, limit: query.limit ?? DEFAULT_PAGE });
  }

  @Get('channels/:channel/requests/:id')
  @ApiOperation({ summary: 'An access request: status, reasons (checks), its grant, and every receipt about it' })
  @ApiNotFoundResponse({ description: 'channel_not_found or request_not_found' })
  request(@ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>): Promise<RequestView> {
    return this.query.request(channel, id);
  }

  @Get('channels/:channel/grants')
  @ApiOperation({ summary: 'Grants in chain order (?requester=&provider=&dataset=&status=&after=&limit=)' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  grants(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodQuery(grantsQuerySchema) query: Params<typeof grantsQuerySchema>,
  ): Promise<Page<GrantRecord>> {
    return this.query.grants(channel, { ...query, limit: query.limit ?? DEFAULT_PAGE });
  }

  @Get('channels/:channel/grants/:id')
  @ApiOperation({ summary: 'A grant: terms, usage counters, whether it is live, and its history' })
  @ApiNotFoundResponse({ description: 'channel_not_found or grant_not_found' })
  grant(@ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>): Promise<GrantView> {
    return this.query.grant(channel, id);
  }

  @Get('txs/:txId/receipts')
  @ApiOperation({
    summary: "The rules' receipts of a tx (outcome and reasons); ?waitMs=N long-polls until it is applied",
  })
  @ApiNotFoundResponse({
    description: 'receipts_not_found: not committed and applied (after the wait), invalid, or not a rules tx',
  })
  receipts(
    @ZodParams(txIdParamsSchema) { txId }: Params<typeof txIdParamsSchema>,
    @ZodQuery(receiptsQuerySchema) query: Params<typeof receiptsQuerySchema>,
  ): Promise<{ readonly txId: string; readonly receipts: readonly StoredReceipt[] }> {
    return this.query.receiptsOfTx(txId, query.waitMs ?? 0);
  }

  @Get('channels/:channel/digests')
  @ApiOperation({
    summary: 'State digests by height, paged (?from=&limit=): what this department attests, for replay checks',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  digests(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodQuery(digestsQuerySchema) query: Params<typeof digestsQuerySchema>,
  ): Promise<Page<StoredDigest>> {
    return this.query.digests(channel, query.from ?? 0, query.limit ?? DEFAULT_PAGE);
  }

  @Get('channels/:channel/digests/:height')
  @ApiOperation({ summary: 'The state digest after a height' })
  @ApiNotFoundResponse({ description: 'channel_not_found or digest_not_found' })
  digest(@ZodParams(heightParamsSchema) { channel, height }: Params<typeof heightParamsSchema>): Promise<StoredDigest> {
    return this.query.digest(channel, height);
  }

  @Post('channels/:channel/evaluate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Dry run: what an access request would get now and why, every check with pass/fail/skipped/pending; nothing is submitted',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  evaluate(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodBody(evaluateBodySchema) body: EvaluateBody,
  ): EvaluationView {
    return this.query.evaluate(channel, body);
  }
}
