import { Module } from '@nestjs/common';
import { LedgerReadModule } from '../query/ledger-read.module';
import { AlertsController } from './alerts.controller';
import { AttestationCollectorService } from './attestation-collector.service';
import { FinalityService } from './finality.service';

/** Collects attestations of every followed channel, decides finality and raises fork alerts. */
@Module({
  imports: [LedgerReadModule],
  providers: [FinalityService, AttestationCollectorService],
  controllers: [AlertsController],
  exports: [FinalityService, AttestationCollectorService],
})
export class AttestationModule {}
