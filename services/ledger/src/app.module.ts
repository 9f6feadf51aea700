import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { AdminModule } from './admin/admin.module';
import { AttestationModule } from './attestation/attestation.module';
import { AuditModule } from './audit/audit.module';
import { ChannelsModule } from './channels/channels.module';
import { GovernanceActionsModule } from './governance-actions/governance-actions.module';
import { ledgerMigrations } from './persistence/migrations/ledger.migrations';
import { LedgerPersistenceModule } from './persistence/ledger-persistence.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { QueryModule } from './query/query.module';
import { SubmissionModule } from './submission/submission.module';

/**
 * The ledger service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [
    DatabaseModule.forRoot({ migrations: ledgerMigrations }),
    EventBusModule.forRoot(),
    LedgerPersistenceModule,
    PipelineModule,
    ChannelsModule,
    GovernanceActionsModule,
    SubmissionModule,
    QueryModule,
    AttestationModule,
    AuditModule,
    AdminModule,
  ],
})
export class AppModule {}
