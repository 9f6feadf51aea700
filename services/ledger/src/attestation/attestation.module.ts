import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { LedgerReadModule } from '../query/ledger-read.module';
import { AlertsController } from './alerts.controller';
import { AttestationCollectorService } from './attestation-collector.service';
import { AttestationEventsController } from './attestation-events.controller';
import { FinalityService } from './finality.service';

/** Collects attestations of every followed channel, decides finality and raises fork alerts. */
@Module({
  imports: [LedgerReadModule, PipelineModule],
  providers: [FinalityService, AttestationCollectorService],
  controllers: [AlertsController, AttestationEventsController],
  exports: [FinalityService, AttestationCollectorService],
})
export class AttestationModule {}
