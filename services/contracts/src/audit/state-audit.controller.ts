import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ZodParams } from '@accord/service-kit';
import type { z } from 'zod';
import type { StateAudit } from '../pipeline/rules-applier.service';
import { channelParamsSchema } from '../query/query.dto';
import { StateAuditService } from './state-audit.service';

/** Re-verification of the stored rule state (operations or data administrators). */
@ApiTags('audit')
@Controller('v1')
export class StateAuditController {
  constructor(private readonly audits: StateAuditService) {}

  @Post('channels/:channel/audit')
  @HttpCode(200)
  @Roles('operations', 'dataadmin')
  @ApiOperation({
    summary:
      'Re-read the stored rule state and check it against the applied head and its digest; a failure halts the channel (contracts_state_corrupt)',
  })
  @ApiOkResponse({
    description:
      'The verdict: {ok: true, channel, height, digest} or {ok: false, channel, height, code, reason, haltedNow}',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  audit(@ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>): Promise<StateAudit> {
    return this.audits.audit(channel);
  }
}
