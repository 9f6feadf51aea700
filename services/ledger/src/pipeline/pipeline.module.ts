import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@accord/service-kit';
import type { LedgerConfig } from '../ledger.config';
import { LedgerPersistenceModule } from '../persistence/ledger-persistence.module';
import { SignatureVerificationModule } from '../verification/signature-verification.module';
import { BlockCommitter } from './block-committer.service';
import { CommitNotifier } from './commit.notifier';
import { CommitPublisher } from './commit-publisher.service';
import { DEPARTMENT_SIGNER, loadDepartmentSigner } from './department-signer.provider';
import { LedgerPipelineMetrics } from './ledger-pipeline.metrics';

/**
 * The write path's building blocks: group committer, event/attestation
 * publisher, department signer, metrics, the commit notifier (subscribe to
 * hear about durable blocks in-process) and the signature pool.
 */
@Module({
  imports: [LedgerPersistenceModule, SignatureVerificationModule],
  providers: [
    BlockCommitter,
    CommitPublisher,
    CommitNotifier,
    LedgerPipelineMetrics,
    {
      provide: DEPARTMENT_SIGNER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: LedgerConfig) => loadDepartmentSigner(config),
    },
  ],
  exports: [
    BlockCommitter,
    CommitPublisher,
    CommitNotifier,
    LedgerPipelineMetrics,
    DEPARTMENT_SIGNER,
    SignatureVerificationModule,
  ],
})
export class PipelineModule {}
