import { Module } from '@nestjs/common';
import { CatalogLedgerModule } from '../ledger/catalog-ledger.provider';
import { VerificationController } from './verification.controller';
import { DirectoryVerificationService } from './directory-verification.service';
import { VerificationMetrics } from './verification.metrics';

/** POST /v1/channels/:channel/verify: the directory against the ledger. */
@Module({
  imports: [CatalogLedgerModule],
  controllers: [VerificationController],
  providers: [DirectoryVerificationService, VerificationMetrics],
})
export class VerificationModule {}
