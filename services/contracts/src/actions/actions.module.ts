import { Module } from '@nestjs/common';
import { clockProvider } from '../clock.provider';
import { PipelineModule } from '../pipeline/pipeline.module';
import { AccessActionsController } from './access-actions.controller';
import { AccessActionsService } from './access-actions.service';
import { RecordLocator } from './record-locator.service';

/** Access actions signed with the department key and submitted to the channels. */
@Module({
  imports: [PipelineModule],
  controllers: [AccessActionsController],
  providers: [AccessActionsService, RecordLocator, clockProvider],
})
export class ActionsModule {}
