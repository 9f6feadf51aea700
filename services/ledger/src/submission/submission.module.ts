import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { LedgerReadModule } from '../query/ledger-read.module';
import { DuplicateFinder } from './duplicate-finder.service';
import { SubmissionController } from './submission.controller';
import { TxStatusService } from './tx-status.service';
import { TxSubmissionService } from './tx-submission.service';

/** POST of tx envelopes and their status (long-poll, answered on the pipeline's commit notices). */
@Module({
  imports: [LedgerReadModule, PipelineModule, ChannelsModule],
  providers: [TxSubmissionService, TxStatusService, DuplicateFinder],
  controllers: [SubmissionController],
  exports: [TxStatusService],
})
export class SubmissionModule {}
