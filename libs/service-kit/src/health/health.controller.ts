import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { ServerResponse } from 'node:http';
import { Public } from '../auth/auth.decorators';
import { ServiceLogger } from '../logging/service-logger';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Kubernetes-style probes. Live: the process serves HTTP. Ready: every
 * registered dependency answers (terminus format; 503 with the failing
 * checks otherwise).
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  private lastReady: boolean | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
    private readonly log: ServiceLogger,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'All dependencies are usable' })
  @ApiServiceUnavailableResponse({ description: 'At least one dependency is down (details per check)' })
  async ready(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthCheckResult> {
    const checks = this.readiness.names().map((name) => async () => {
      const { status, ...details } = await this.readiness.run(name);
      const session = this.indicators.check(name);
      return status === 'up' ? session.up(details) : session.down(details);
    });
    try {
      const result = await this.health.check(checks);
      this.noteTransition(true, result);
      return result;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      this.noteTransition(false, result);
      res.statusCode = HttpStatus.SERVICE_UNAVAILABLE;
      return result;
    }
  }

  // Probes run every few seconds: log changes, not every answer.
  private noteTransition(ready: boolean, result: HealthCheckResult): void {
    if (this.lastReady === ready) return;
    this.lastReady = ready;
    if (ready) this.log.pino.info('service is ready');
    else this.log.pino.warn({ checks: result.error }, 'service is not ready');
  }
}
