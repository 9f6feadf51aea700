import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NONCE_LANES, TxNonceRepository, txPublisherProvider } from '@accord/service-kit';
import { txRecordHeaders, txTopic } from '@accord/events';
import { ChannelsModule } from '../channels/channels.module';
import { LedgerPersistenceModule } from '../persistence/ledger-persistence.module';
import { DEPARTMENT_SIGNER } from '../pipeline/department-signer.provider';
import { PipelineModule } from '../pipeline/pipeline.module';
import { SubmissionModule } from '../submission/submission.module';
import { GovernanceActionsController } from './governance-actions.controller';
import { GovernanceActionsService } from './governance-actions.service';
import { GovernanceChannels } from './governance-channels.service';

/** Governance actions the ledger signs as the department: genesis, join, leave, policy proposals and votes. */
@Module({
  imports: [LedgerPersistenceModule, PipelineModule, ChannelsModule, SubmissionModule],
  controllers: [GovernanceActionsController],
  providers: [
    GovernanceActionsService,
    GovernanceChannels,
    { provide: TxNonceRepository, inject: [DataSource], useFactory: (db: DataSource) => new TxNonceRepository(db) },
    txPublisherProvider({
      signer: DEPARTMENT_SIGNER,
      channels: GovernanceChannels,
      lane: NONCE_LANES.ledger,
      topic: txTopic,
      headers: txRecordHeaders('tx'),
    }),
  ],
})
export class GovernanceActionsModule {}
