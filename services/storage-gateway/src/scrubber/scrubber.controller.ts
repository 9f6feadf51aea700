import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, Roles, ZodParams, ZodQuery } from '@accord/service-kit';
import {
  scrubberStatusSchema,
  scrubRunParamsSchema,
  scrubRunReportSchema,
  scrubStartedSchema,
  startScrubQuerySchema,
  type ScrubberStatusView,
  type ScrubRunParams,
  type ScrubRunReportView,
  type StartScrubQuery,
} from './scrubber.dto';
import { toReportView, toStatusView } from './scrubber.mapper';
import { ScrubberService } from './scrubber.service';

const NOT_OPERATIONS = 'forbidden: the token lacks the operations role';

/** The integrity scrubber's status and runs (operations). */
@ApiTags('scrubber')
@Controller('v1/scrubber')
export class ScrubberController {
  constructor(private readonly scrubber: ScrubberService) {}

  @Get()
  @Roles('operations')
  @ApiOperation({ summary: "The scrubber's schedule, whether a run is going, and the last finished run's findings" })
  @ApiOkResponse({ schema: openApiSchema(scrubberStatusSchema) })
  @ApiForbiddenResponse({ description: NOT_OPERATIONS })
  async status(): Promise<ScrubberStatusView> {
    return toStatusView(await this.scrubber.status());
  }

  @Post('runs')
  @HttpCode(202)
  @Roles('operations')
  @ApiOperation({
    summary:
      'Start a scrub of every available object now (or join the run in progress); ?wait=true answers when it ended, with its findings',
  })
  @ApiAcceptedResponse({
    description: 'Started (or already running): {runId, status}',
    schema: openApiSchema(scrubStartedSchema),
  })
  @ApiOkResponse({
    description: 'wait=true: the run as it ended and its findings',
    schema: openApiSchema(scrubRunReportSchema),
  })
  @ApiForbiddenResponse({ description: NOT_OPERATIONS })
  @ApiServiceUnavailableResponse({ description: 'scrubber_stopping: the gateway is shutting down' })
  async start(
    @ZodQuery(startScrubQuerySchema) query: StartScrubQuery,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<ScrubRunReportView | { runId: string; status: 'running' }> {
    const run = await this.scrubber.start();
    if (!query.wait) return { runId: run.runId, status: 'running' };
    await run.done;
    res.status(200);
    return toReportView(await this.scrubber.report(run.runId));
  }

  @Get('runs/:id')
  @Roles('operations')
  @ApiParam({ name: 'id', required: true, schema: { type: 'string', format: 'uuid' } })
  @ApiOperation({ summary: 'A scrub run (running, finished, or stopped by a shutdown) and its findings' })
  @ApiOkResponse({ schema: openApiSchema(scrubRunReportSchema) })
  @ApiForbiddenResponse({ description: NOT_OPERATIONS })
  @ApiNotFoundResponse({ description: 'scrub_run_not_found' })
  async run(@ZodParams(scrubRunParamsSchema) { id }: ScrubRunParams): Promise<ScrubRunReportView> {
    return toReportView(await this.scrubber.report(id));
  }
}
