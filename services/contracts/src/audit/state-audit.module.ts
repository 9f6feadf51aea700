import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { StateAuditController } from './state-audit.controller';
import { StateAuditService } from './state-audit.service';

/** POST /v1/channels/:channel/audit: the stored rule state checked against the applied head. */
@Module({
  imports: [PipelineModule],
  controllers: [StateAuditController],
  providers: [StateAuditService],
})
export class StateAuditModule {}
