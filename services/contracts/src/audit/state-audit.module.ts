import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { StateAuditController } from './state-audit.controller';
import { StateAuditService } from './state-audit.service';
import { StateSelfAuditService } from './state-self-audit.service';

/** POST /v1/channels/:channel/audit and the background audits: the stored rule state checked against the applied head. */
@Module({
  imports: [PipelineModule],
  controllers: [StateAuditController],
  providers: [StateAuditService, StateSelfAuditService],
})
export class StateAuditModule {}
