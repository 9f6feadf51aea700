import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, Roles } from '../auth/auth.decorators';
import { ROLES, type Principal as PrincipalModel, type Role } from '../auth/principal.model';
import { InjectServiceContext, type DeploymentMode, type ServiceContext } from './service-context';

export interface ServiceInfo {
  readonly service: string;
  readonly department: string;
  readonly version: string;
  readonly mode: DeploymentMode;
  /** The caller as authenticated: lets a client (the console) show only what its roles may read. */
  readonly principal: { readonly name: string; readonly roles: readonly Role[] };
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
      required: ['service', 'department', 'version', 'mode', 'principal'],
      properties: {
        service: { type: 'string', example: 'ledger' },
        department: { type: 'string', example: 'health-bureau' },
        version: { type: 'string', example: '0.1.0' },
        mode: { type: 'string', enum: ['embedded', 'cluster', 'mixed'] },
        principal: {
          type: 'object',
          required: ['name', 'roles'],
          properties: {
            name: { type: 'string', example: 'dev' },
            roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
          },
        },
      },
    },
  })
  info(@Principal() caller: PrincipalModel): ServiceInfo {
    return {
      service: this.ctx.service,
      department: this.ctx.department,
      version: this.ctx.version,
      mode: this.ctx.mode,
      principal: { name: caller.name, roles: caller.roles },
    };
  }
}
