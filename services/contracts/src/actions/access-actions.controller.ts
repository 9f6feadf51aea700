import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles, ZodBody, ZodParams, ZodQuery } from '@accord/service-kit';
import type { z } from 'zod';
import { channelParamsSchema, idParamsSchema } from '../query/query.dto';
import {
  actionQuerySchema,
  emptyBodySchema,
  reasonBodySchema,
  requestBodySchema,
  type ActionQuery,
  type ReasonBody,
  type RequestBody,
} from './actions.dto';
import { AccessActionsService, type SubmittedAction } from './access-actions.service';

type Params<S extends z.ZodType> = z.output<S>;

/**
 * The department's access actions: each builds a rules tx, checks it with a
 * dry run of the rules (what they would reject is refused with the rules'
 * code), signs it with the department key and submits it to the channel
 * (202: accepted for ordering; the outcome is in its receipts). Requests
 * and cancellations need the `user` role; consent, refusal and revocation
 * the `dataadmin` role. A tx the ledger's submission API would refuse is
 * refused alike: 400 envelope_invalid (details.reason, e.g. tx.too_large).
 */
@ApiTags('actions')
@Controller('v1/channels/:channel')
@ApiAcceptedResponse({
  description: 'Signed and submitted: {txId, status: pending, statusUrl (on the ledger API), envelope, receiptsUrl}',
})
@ApiServiceUnavailableResponse({
  description:
    'dependency_unavailable (details.dependency: bus; Retry-After header): the tx could not be submitted now',
})
export class AccessActionsController {
  constructor(private readonly actions: AccessActionsService) {}

  @Post('requests')
  @HttpCode(202)
  @Roles('user')
  @ApiOperation({
    summary:
      'Request access to a dataset for a purpose and duration (access.request); answers with the expected outcome',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found or unknown_dataset' })
  @ApiConflictResponse({
    description: 'channel_halted, duplicate_request, dataset_deprecated, requester_not_member or provider_not_member',
  })
  @ApiUnprocessableEntityResponse({ description: 'own_dataset (or another rejection of the rules, details.type)' })
  request(
    @ZodParams(channelParamsSchema) { channel }: Params<typeof channelParamsSchema>,
    @ZodBody(requestBodySchema) body: RequestBody,
  ): Promise<SubmittedAction> {
    return this.actions.request(channel, body);
  }

  @Post('requests/:id/cancel')
  @HttpCode(202)
  @Roles('user')
  @ApiOperation({ summary: "Withdraw this department's pending request (access.cancel)" })
  @ApiForbiddenResponse({ description: 'not_requester: the request is not ours' })
  @ApiNotFoundResponse({ description: 'channel_not_found or request_not_found' })
  @ApiConflictResponse({
    description:
      'request_not_pending, channel_halted, or request_not_applied: the ledger has the request (details.status: committed or pending) but it is not applied here yet (retry, or pass waitMs)',
  })
  cancel(
    @ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>,
    @ZodBody(emptyBodySchema) _body: object,
    @ZodQuery(actionQuerySchema) query: ActionQuery,
  ): Promise<SubmittedAction> {
    return this.actions.cancel(channel, id, query.waitMs);
  }

  @Post('requests/:id/consent')
  @HttpCode(202)
  @Roles('dataadmin')
  @ApiOperation({
    summary:
      'Consent to a pending request for one of our datasets (access.consent); ?waitMs=N waits for a request submitted just now to be applied here',
  })
  @ApiForbiddenResponse({ description: 'not_provider: the dataset is not ours' })
  @ApiNotFoundResponse({ description: 'channel_not_found or request_not_found' })
  @ApiConflictResponse({
    description:
      'request_not_pending, requester_not_member, channel_halted, or request_not_applied: the ledger has the request (details.status: committed or pending) but it is not applied here yet (retry, or pass waitMs)',
  })
  consent(
    @ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>,
    @ZodBody(emptyBodySchema) _body: object,
    @ZodQuery(actionQuerySchema) query: ActionQuery,
  ): Promise<SubmittedAction> {
    return this.actions.consent(channel, id, query.waitMs);
  }

  @Post('requests/:id/refuse')
  @HttpCode(202)
  @Roles('dataadmin')
  @ApiOperation({ summary: 'Refuse a pending request for one of our datasets (access.refuse)' })
  @ApiForbiddenResponse({ description: 'not_provider: the dataset is not ours' })
  @ApiNotFoundResponse({ description: 'channel_not_found or request_not_found' })
  @ApiConflictResponse({
    description:
      'request_not_pending, channel_halted, or request_not_applied: the ledger has the request (details.status: committed or pending) but it is not applied here yet (retry, or pass waitMs)',
  })
  refuse(
    @ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>,
    @ZodBody(reasonBodySchema) body: ReasonBody,
    @ZodQuery(actionQuerySchema) query: ActionQuery,
  ): Promise<SubmittedAction> {
    return this.actions.refuse(channel, id, body, query.waitMs);
  }

  @Post('grants/:id/revoke')
  @HttpCode(202)
  @Roles('dataadmin')
  @ApiOperation({ summary: 'Revoke an active grant to one of our datasets (access.revoke)' })
  @ApiForbiddenResponse({ description: 'not_provider: the dataset is not ours' })
  @ApiNotFoundResponse({ description: 'channel_not_found or grant_not_found' })
  @ApiConflictResponse({ description: 'grant_not_active, grant_exhausted or channel_halted' })
  revoke(
    @ZodParams(idParamsSchema) { channel, id }: Params<typeof idParamsSchema>,
    @ZodBody(reasonBodySchema) body: ReasonBody,
    @ZodQuery(actionQuerySchema) query: ActionQuery,
  ): Promise<SubmittedAction> {
    return this.actions.revoke(channel, id, body, query.waitMs);
  }
}
