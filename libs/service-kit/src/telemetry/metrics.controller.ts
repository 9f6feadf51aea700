import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '../auth/auth.decorators';
import { ServiceMetrics } from './service-metrics';

/** Prometheus scrape endpoint of this service (text exposition format). */
@ApiTags('operations')
@Public()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Metrics in Prometheus text format' })
  scrape(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.metrics.serve(req, res);
  }
}
