import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiSchema, Roles, ZodBody, ZodParams } from '@accord/service-kit';
import type { z } from 'zod';
import { ApiPathParams, channelParamsSchema } from '../query/query.dto';
import { auditRequestSchema, auditResponseSchema } from './audit.dto';
import { ChainAuditService, type AuditReport } from './chain-audit.service';

/** Re-verification of the stored chain (operations or data administrators). */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(private readonly audits: ChainAuditService) {}

  @Post('channels/:channel/audit')
  @ApiPathParams(channelParamsSchema)
  @HttpCode(200)
  @Roles('operations', 'dataadmin')
  @ApiOperation({
    summary:
      "Re-verify a height range from the database (hashes, roots, links, signatures, other members' attestations); reports the first bad height",
  })
  @ApiOkResponse({
    description: 'The verdict: {ok: true} or the first bad height with code and reason',
    schema: openApiSchema(auditResponseSchema),
  })
  @ApiBadRequestResponse({ description: 'range_invalid: empty, reversed or beyond the head' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  audit(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodBody(auditRequestSchema) body: z.output<typeof auditRequestSchema>,
  ): Promise<AuditReport> {
    return this.audits.audit(channel, body);
  }
}
