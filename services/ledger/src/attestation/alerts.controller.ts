import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, Roles, ZodQuery } from '@accord/service-kit';
import type { z } from 'zod';
import { AlertRepository, type StoredAlert } from '../persistence/alert.repository';
import { alertsQuerySchema } from '../query/query.dto';

const DEFAULT_LIMIT = 100;

/** Fork/tamper alerts: attestations that disagree, rebuilt blocks that differ, failed audits (any authenticated role). */
@ApiTags('alerts')
@Controller('v1')
@Roles(...ROLES)
export class AlertsController {
  constructor(private readonly alerts: AlertRepository) {}

  @Get('alerts')
  @ApiOperation({ summary: 'Fork and tamper alerts, newest first (?channel=&limit=)' })
  async list(
    @ZodQuery(alertsQuerySchema) query: z.output<typeof alertsQuerySchema>,
  ): Promise<{ alerts: StoredAlert[] }> {
    return {
      alerts: await this.alerts.list({
        ...(query.channel === undefined ? {} : { channel: query.channel }),
        limit: query.limit ?? DEFAULT_LIMIT,
      }),
    };
  }
}
