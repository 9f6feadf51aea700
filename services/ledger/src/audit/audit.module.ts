import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { LedgerReadModule } from '../query/ledger-read.module';
import { SignatureVerificationModule } from '../verification/signature-verification.module';
import { AuditController } from './audit.controller';
import { ChainAuditService } from './chain-audit.service';
import { SelfAuditService } from './self-audit.service';

/** Chain audits: re-verification of stored blocks on the signature worker pool, on request and in the background. */
@Module({
  imports: [LedgerReadModule, PipelineModule, SignatureVerificationModule],
  providers: [ChainAuditService, SelfAuditService],
  controllers: [AuditController],
})
export class AuditModule {}
