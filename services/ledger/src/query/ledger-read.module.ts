import { Module } from '@nestjs/common';
import { LedgerPersistenceModule } from '../persistence/ledger-persistence.module';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { ConfigHistoryService } from './config-history.service';

/** Read-side building blocks shared by queries, submission, attestations and audit. */
@Module({
  imports: [LedgerPersistenceModule],
  providers: [LedgerReadRepository, ConfigHistoryService],
  exports: [LedgerPersistenceModule, LedgerReadRepository, ConfigHistoryService],
})
export class LedgerReadModule {}
