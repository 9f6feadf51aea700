import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, RawJsonBody, ROLES, Roles, txStatusUrl, ZodParams, ZodQuery } from '@accord/service-kit';
import type { z } from 'zod';
import { ApiPathParams, channelParamsSchema, txIdParamsSchema } from '../query/query.dto';
import {
  submitTxBatchBodySchema,
  submitTxBatchResponseSchema,
  submitTxBodySchema,
  submitTxResponseSchema,
  txStatusQuerySchema,
  txStatusResponseSchema,
} from './submission.dto';
import { TxStatusService, type TxStatus } from './tx-status.service';
import { TxSubmissionService, type BatchItemOutcome } from './tx-submission.service';

type SubmitTxResponse = z.output<typeof submitTxResponseSchema>;
type SubmitTxBatchResponse = z.output<typeof submitTxBatchResponseSchema>;

/** Thin HTTP edge of tx submission and tx status (validation and mapping only). */
@ApiTags('txs')
@Controller('v1')
export class SubmissionController {
  constructor(
    private readonly submission: TxSubmissionService,
    private readonly status: TxStatusService,
  ) {}

  @Post('channels/:channel/txs')
  @ApiPathParams(channelParamsSchema)
  @Roles('provider', 'user')
  @ApiOperation({ summary: 'Submit a signed tx envelope to a channel (provider or user)' })
  @ApiBody({ schema: openApiSchema(submitTxBodySchema) })
  @ApiAcceptedResponse({
    description: 'Published (or a duplicate still pending)',
    schema: openApiSchema(submitTxResponseSchema),
  })
  @ApiOkResponse({
    description: 'A duplicate (same txId and signature) of an envelope already committed; nothing was published',
    schema: openApiSchema(submitTxResponseSchema),
  })
  @ApiBadRequestResponse({
    description:
      'envelope_invalid (details.reason: the protocol code, e.g. tx.invalid, tx.too_large, tx.wrong_channel, or json.non_canonical, json.duplicate_key, json.number_not_integer for a body that is not canonical JSON as received)',
  })
  @ApiServiceUnavailableResponse({
    description:
      'dependency_unavailable (details.dependency: database or bus; Retry-After header): retry later or on another replica',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  async submit(
    @ZodParams(channelParamsSchema) params: z.output<typeof channelParamsSchema>,
    @RawJsonBody() body: Uint8Array | undefined,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<SubmitTxResponse> {
    const { published, sig, status } = await this.submission.submit(params.channel, body);
    res.status(status.status === 'committed' ? 200 : 202);
    return toSubmitResponse(status, sig, !published);
  }

  @Post('channels/:channel/txs/batch')
  @HttpCode(200)
  @ApiPathParams(channelParamsSchema)
  @Roles('provider', 'user')
  @ApiOperation({
    summary:
      'Submit many signed tx envelopes to a channel in one request (provider or user): a JSON array of 1 to 1000 envelopes, one result per envelope in request order; the new ones are published in one publish',
  })
  @ApiBody({ schema: openApiSchema(submitTxBatchBodySchema) })
  @ApiOkResponse({
    description:
      "One result per envelope: the single endpoint's answer (duplicate true when it was not published again), or { error: { code: envelope_invalid, message, details.reason } } for an envelope refused alone",
    schema: openApiSchema(submitTxBatchResponseSchema),
  })
  @ApiBadRequestResponse({
    description:
      'batch_invalid (the body is not a JSON array of at least one element), batch_too_large (more than 1000)',
  })
  @ApiServiceUnavailableResponse({
    description:
      'dependency_unavailable (details.dependency: database or bus; Retry-After header): nothing of the batch was published; retry it',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  async submitBatch(
    @ZodParams(channelParamsSchema) params: z.output<typeof channelParamsSchema>,
    @RawJsonBody() body: Uint8Array | undefined,
  ): Promise<SubmitTxBatchResponse> {
    const outcomes = await this.submission.submitBatch(params.channel, body);
    return { results: outcomes.map(toBatchResult) };
  }

  @Get('txs/:txId')
  @ApiPathParams(txIdParamsSchema)
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'Status of a tx: pending or committed (block, index, validity code, finality); ?waitMs=N long-polls for the commit; ?sig= asks for exactly the envelope with that signature',
  })
  @ApiOkResponse({ schema: openApiSchema(txStatusResponseSchema) })
  @ApiNotFoundResponse({ description: 'tx_not_found: neither committed nor submitted here (after the wait)' })
  async get(
    @ZodParams(txIdParamsSchema) params: z.output<typeof txIdParamsSchema>,
    @ZodQuery(txStatusQuerySchema) query: z.output<typeof txStatusQuerySchema>,
  ): Promise<TxStatus> {
    return this.status.waitForStatus(params.txId, query.sig, query.waitMs ?? 0);
  }
}

function toSubmitResponse(status: TxStatus, sig: string, duplicate: boolean): SubmitTxResponse {
  const base = {
    txId: status.txId,
    status: status.status,
    statusUrl: txStatusUrl(status.txId, sig),
    duplicate,
    channel: status.channel,
  };
  if (status.status === 'pending') return base;
  return { ...base, height: status.height, index: status.index, code: status.code, final: status.final };
}

function toBatchResult(outcome: BatchItemOutcome): SubmitTxBatchResponse['results'][number] {
  if ('rejected' in outcome) {
    const { code, message, details } = outcome.rejected;
    return { error: details === undefined ? { code, message } : { code, message, details } };
  }
  return toSubmitResponse(outcome.status, outcome.sig, !outcome.published);
}
