import { Module } from '@nestjs/common';
import { ApiTokenAdminService } from '@accord/service-kit';
import { ApiTokensController } from './api-tokens.controller';

/** Department administration over HTTP: the API tokens (the logic is the service kit's; this wires it). */
@Module({
  providers: [ApiTokenAdminService],
  controllers: [ApiTokensController],
})
export class AdminModule {}
