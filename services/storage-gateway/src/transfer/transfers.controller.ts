import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, Roles, ZodBody, ZodParams, ZodQuery } from '@accord/service-kit';
import { TransferNotFoundError } from '../storage-gateway.errors';
import {
  startTransferSchema,
  transferParamsSchema,
  transfersQuerySchema,
  type StartTransfer,
  type TransferParams,
  type TransfersQuery,
} from './transfer.dto';
import { TransferRepository, type TransferView } from './transfer.repository';
import { TransferRunner } from './transfer.runner';

/** A data user's transfers: granted data fetched from the provider's gateway, verified and kept here. */
@ApiTags('transfers')
@Controller('v1/transfers')
export class TransfersController {
  constructor(
    private readonly runner: TransferRunner,
    private readonly transfers: TransferRepository,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('user')
  @ApiOperation({ summary: "Fetch a granted dataset's anchored object from its provider, verified chunk by chunk" })
  @ApiAcceptedResponse({ description: 'the transfer, running: follow it with GET /v1/transfers/{id}' })
  @ApiNotFoundResponse({ description: 'grant_not_found, or anchor_not_found (nothing anchored yet)' })
  @ApiForbiddenResponse({ description: 'not_grantee or grant_not_live' })
  @ApiConflictResponse({ description: "peer_unknown: the provider's gateway is not configured" })
  start(@ZodBody(startTransferSchema) body: StartTransfer, @Principal() principal: Principal): Promise<TransferView> {
    return this.runner.start(body.grant, principal);
  }

  @Get()
  @Roles('user', 'operations')
  @ApiOperation({ summary: 'Transfers started here, newest first' })
  @ApiOkResponse({ description: '{transfers: [...]}' })
  async list(@ZodQuery(transfersQuerySchema) query: TransfersQuery): Promise<{ transfers: TransferView[] }> {
    return { transfers: await this.transfers.list({ ...query, limit: query.limit ?? 100 }) };
  }

  @Get(':id')
  @Roles('user', 'operations')
  @ApiOperation({ summary: "A transfer's progress and outcome (contentUrl once verified and stored)" })
  @ApiOkResponse({ description: 'status running|completed|failed, bytesVerified, progress (%), error {code, message}' })
  @ApiNotFoundResponse({ description: 'transfer_not_found' })
  async get(@ZodParams(transferParamsSchema) { id }: TransferParams): Promise<TransferView> {
    const transfer = await this.transfers.find(id);
    if (transfer === undefined) throw new TransferNotFoundError(id);
    return transfer;
  }
}
