import { Module } from '@nestjs/common';
import { LedgerPersistenceModule } from '../persistence/ledger-persistence.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { ChannelCreationService } from './channel-creation.service';
import { ChannelRegistry } from './channel-registry.service';
import { ChannelsController } from './channels.controller';

/** Following and creating channels; runs one ChannelRunner per followed channel. */
@Module({
  imports: [LedgerPersistenceModule, PipelineModule],
  providers: [ChannelRegistry, ChannelCreationService],
  controllers: [ChannelsController],
  exports: [ChannelRegistry, ChannelCreationService],
})
export class ChannelsModule {}
