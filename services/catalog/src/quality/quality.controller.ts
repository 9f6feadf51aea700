import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ROLES, Roles, ZodBody, ZodParams, ZodQuery } from '@accord/service-kit';
import type { z } from 'zod';
import { datasetParamsSchema, type DatasetParams } from '../signing/action.dto';
import {
  answerBodySchema,
  reportBodySchema,
  reportParamsSchema,
  reportsQuerySchema,
  type AnswerBody,
  type ReportBody,
  type ReportsQuery,
} from './quality.dto';
import type { QualityReportView } from './quality-report.repository';
import { QualityService, type SubmittedAnswer, type SubmittedReport } from './quality.service';

const SUBMITTED =
  'Signed and submitted: {txId, status: pending, statusUrl (on the ledger API), channel, type, envelope, ...}';
const BUS_DOWN =
  'dependency_unavailable (details.dependency: bus; Retry-After header): the tx could not be submitted now';

/** Quality feedback on datasets: reports by data users, answers by the owner. */
@ApiTags('quality')
@Controller('v1')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Post('datasets/:owner/:name/reports')
  @HttpCode(202)
  @Roles('user')
  @ApiOperation({ summary: "Report a quality problem with a version of another department's dataset (quality.report)" })
  @ApiAcceptedResponse({ description: `${SUBMITTED}, dataset, version, report (= txId)` })
  @ApiBadRequestResponse({ description: 'validation_failed, unknown_version or envelope_invalid' })
  @ApiNotFoundResponse({ description: 'dataset_not_found, or channel_not_found' })
  @ApiConflictResponse({ description: 'not_channel_member' })
  @ApiUnprocessableEntityResponse({ description: "own_dataset: this department's own dataset" })
  @ApiServiceUnavailableResponse({ description: BUS_DOWN })
  report(
    @ZodParams(datasetParamsSchema) { owner, name }: DatasetParams,
    @ZodBody(reportBodySchema) body: ReportBody,
  ): Promise<SubmittedReport> {
    return this.quality.report(owner, name, body);
  }

  @Post('reports/:id/answer')
  @HttpCode(202)
  @Roles('provider', 'dataadmin')
  @ApiOperation({ summary: 'Answer an open quality report on one of our datasets (quality.answer)' })
  @ApiAcceptedResponse({ description: `${SUBMITTED}, report, dataset` })
  @ApiBadRequestResponse({ description: 'validation_failed, invalid_fixed_version or envelope_invalid' })
  @ApiForbiddenResponse({ description: 'not_owner: the report is about another department’s dataset' })
  @ApiNotFoundResponse({ description: 'report_not_found, or channel_not_found' })
  @ApiConflictResponse({ description: 'report_closed (already answered), or not_channel_member' })
  @ApiServiceUnavailableResponse({ description: BUS_DOWN })
  answer(
    @ZodParams(reportParamsSchema) { id }: z.output<typeof reportParamsSchema>,
    @ZodBody(answerBodySchema) body: AnswerBody,
  ): Promise<SubmittedAnswer> {
    return this.quality.answer(id, body);
  }

  @Get('datasets/:owner/:name/reports')
  @Roles(...ROLES)
  @ApiOperation({ summary: "A dataset's quality reports and their answers, newest first (?status=open|answered|all)" })
  @ApiNotFoundResponse({ description: 'dataset_not_found' })
  list(
    @ZodParams(datasetParamsSchema) { owner, name }: DatasetParams,
    @ZodQuery(reportsQuerySchema) query: ReportsQuery,
  ): Promise<{ readonly dataset: string; readonly reports: readonly QualityReportView[] }> {
    return this.quality.list(owner, name, query);
  }
}
