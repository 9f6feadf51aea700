import { Controller, Get, HttpCode, Post, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, Roles, ZodBody, ZodParams, ZodQuery, type Principal as Caller } from '@accord/service-kit';
import {
  publishRecordBodySchema,
  recordParamsSchema,
  recordsQuerySchema,
  type PublishRecordBody,
  type RecordParams,
  type RecordsQuery,
} from './strong-mode.dto';
import { StrongRecordPublisher, type PublishedRecord } from './strong-record.publisher';
import { StrongRecordReader, type RecordView } from './strong-record.reader';

/** Strong mode: small records kept encrypted on the chain, their keys shared with grantees. */
@ApiTags('strong mode')
@Controller('v1/records')
export class StrongModeController {
  constructor(
    private readonly publisher: StrongRecordPublisher,
    private readonly reader: StrongRecordReader,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('provider')
  @ApiOperation({
    summary:
      'Encrypt a record of one of our datasets under a fresh data key and publish it on the chain (strong.record)',
  })
  @ApiAcceptedResponse({
    description: '{txId, status: pending, statusUrl (on the ledger API), channel, dataset, record}',
  })
  @ApiBadRequestResponse({ description: 'validation_failed, record_content_invalid (JSON that does not parse)' })
  @ApiForbiddenResponse({ description: 'not_owner: the dataset is another department’s' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  @ApiConflictResponse({ description: 'not_channel_member' })
  @ApiPayloadTooLargeResponse({ description: 'record_too_large, or tx.too_large (the channel’s maxTxBytes)' })
  @ApiServiceUnavailableResponse({ description: 'dependency_unavailable: the tx could not be published now' })
  publish(@ZodBody(publishRecordBodySchema) body: PublishRecordBody): Promise<PublishedRecord> {
    return this.publisher.publish(body);
  }

  @Get()
  @Roles('user', 'provider')
  @ApiOperation({ summary: "Records we can read on a channel: our own, and other departments' shared with us" })
  @ApiOkResponse({
    description: '{records: [{txId, channel, dataset, owner, record, mediaType, height, origin, erasedBy}]}',
  })
  async list(@ZodQuery(recordsQuerySchema) query: RecordsQuery): Promise<{ records: RecordView[] }> {
    return { records: await this.reader.list(query.channel, query.dataset ?? null) };
  }

  @Get(':txId/content')
  @Roles('user', 'provider')
  @ApiOperation({
    summary:
      'The decrypted record, in its media type: ours (user or provider), or shared with us under a grant still active (user)',
  })
  @ApiOkResponse({ description: 'The record’s content (application/json or text/csv)' })
  @ApiForbiddenResponse({
    description: 'record_grant_ended (every grant it was shared under was revoked, expired or exhausted), forbidden',
  })
  @ApiNotFoundResponse({ description: 'record_not_found, record_not_shared' })
  @ApiGoneResponse({ description: 'content_erased: the record’s data key was destroyed' })
  async content(
    @ZodParams(recordParamsSchema) { txId }: RecordParams,
    @Principal() caller: Caller,
  ): Promise<StreamableFile> {
    const record = await this.reader.content(txId, caller);
    return new StreamableFile(record.content, {
      type: `${record.mediaType}; charset=utf-8`,
      length: record.content.length,
    });
  }
}
