import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ROLES } from '../auth/principal.model';
import { InjectServiceContext, type DeploymentMode, type ServiceContext } from './service-context';

export interface ServiceInfo {
  readonly service: string;
  readonly department: string;
  readonly version: string;
  readonly mode: DeploymentMode;
}

/** Who am I talking to: the smallest authenticated endpoint, served by every service. */
@ApiTags('service')
@Controller('v1')
export class InfoController {
  constructor(@InjectServiceContext() private readonly ctx: ServiceContext) {}

  @Get('info')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Service identity (any authenticated role)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['service', 'department', 'version', 'mode'],
      properties: {
        service: { type: 'string', example: 'ledger' },
        department: { type: 'string', example: 'health-bureau' },
        version: { type: 'string', example: '0.1.0' },
        mode: { type: 'string', enum: ['embedded', 'cluster', 'mixed'] },
      },
    },
  })
  info(): ServiceInfo {
    return {
      service: this.ctx.service,
      department: this.ctx.department,
      version: this.ctx.version,
      mode: this.ctx.mode,
    };
  }
}
