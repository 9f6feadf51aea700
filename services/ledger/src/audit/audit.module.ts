import { Module } from '@nestjs/common';
import { LedgerReadModule } from '../query/ledger-read.module';
import { SignatureVerificationModule } from '../verification/signature-verification.module';
import { AuditController } from './audit.controller';
import { ChainAuditService } from './chain-audit.service';

/** Chain audits: re-verification of stored blocks on the signature worker pool. */
@Module({
  imports: [LedgerReadModule, SignatureVerificationModule],
  providers: [ChainAuditService],
  controllers: [AuditController],
})
export class AuditModule {}
