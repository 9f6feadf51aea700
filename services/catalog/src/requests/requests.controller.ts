import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ROLES, Roles, ZodBody, ZodQuery } from '@accord/service-kit';
import {
  myRequestsQuerySchema,
  requestBatchBodySchema,
  requestIdsQuerySchema,
  type MyRequestsQuery,
  type RequestBatchBody,
  type RequestIdsQuery,
} from './requests.dto';
import { RequestsService, type RequestBatchResult, type RequestStanding } from './requests.service';

/** One-call access requests for several datasets, and their standing. */
@ApiTags('requests')
@Controller('v1/requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @HttpCode(202)
  @Roles('user')
  @ApiOperation({
    summary:
      'Request access to 1 to 50 datasets for a purpose and duration: one access.request per dataset, on its channel',
  })
  @ApiAcceptedResponse({
    description:
      'At least one request was signed and submitted: {submitted, refused, results}; results[i] is {dataset, status: submitted, txId, statusUrl, channel, purpose, durationMs} or {dataset, status: refused, error: {code, message}}',
  })
  @ApiUnprocessableEntityResponse({
    description: 'requests_refused: no item could be submitted; details.results gives each refusal',
  })
  @ApiServiceUnavailableResponse({ description: 'dependency_unavailable: nothing could be submitted now' })
  submit(@ZodBody(requestBatchBodySchema) body: RequestBatchBody): Promise<RequestBatchResult> {
    return this.requests.submit(body);
  }

  @Get('mine')
  @Roles(...ROLES)
  @ApiOperation({ summary: "This department's access requests with their standing, newest first (?after=<next>)" })
  @ApiOkResponse({ description: '{requests, next}' })
  mine(@ZodQuery(myRequestsQuerySchema) query: MyRequestsQuery): Promise<{
    readonly requests: readonly RequestStanding[];
    readonly next: string | null;
  }> {
    return this.requests.mine(query);
  }

  @Get()
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'The standing of requests by id (?ids=<txId>,<txId>, at most 50): as decided, or submitted while no decision is known',
  })
  @ApiOkResponse({ description: '{requests}, in the order of ids' })
  byIds(
    @ZodQuery(requestIdsQuerySchema) { ids }: RequestIdsQuery,
  ): Promise<{ readonly requests: readonly RequestStanding[] }> {
    return this.requests.byIds(ids);
  }
}
