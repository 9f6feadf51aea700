import { Module } from '@nestjs/common';
import { KeyShareRepository } from './key-share.repository';
import { KeySharer } from './key.sharer';
import { RecordKeyRecovery } from './record-key.recovery';
import { StrongModeController } from './strong-mode.controller';
import { StrongModeMetrics } from './strong-mode.metrics';
import { StrongRecordPublisher } from './strong-record.publisher';
import { StrongRecordReader } from './strong-record.reader';
import { StrongRecordRepository } from './strong-record.repository';

/** Strong mode (docs/storage-gateway-strong-mode.md): records on the chain, key sharing, reading. */
@Module({
  controllers: [StrongModeController],
  providers: [
    StrongModeMetrics,
    StrongRecordRepository,
    KeyShareRepository,
    StrongRecordPublisher,
    RecordKeyRecovery,
    KeySharer,
    StrongRecordReader,
  ],
  exports: [StrongRecordRepository],
})
export class StrongModeModule {}
