import { Module } from '@nestjs/common';
import { NONCE_LANES, txPublisherProvider } from '@accord/service-kit';
import { KIND_HEADER, txTopic } from '@accord/events';
import { DEPARTMENT_SIGNER } from '../keys/department-signer.provider';
import { PipelineModule } from '../pipeline/pipeline.module';
import { AccessActionsController } from './access-actions.controller';
import { AccessActionsService } from './access-actions.service';
import { ContractsTxChannels } from './contracts-tx-channels.service';
import { RecordLocator } from './record-locator.service';

/** Access actions, checked by a dry run of the rules and signed and published by the department tx publisher. */
@Module({
  imports: [PipelineModule],
  controllers: [AccessActionsController],
  providers: [
    AccessActionsService,
    RecordLocator,
    ContractsTxChannels,
    txPublisherProvider({
      signer: DEPARTMENT_SIGNER,
      channels: ContractsTxChannels,
      lane: NONCE_LANES.contracts,
      topic: txTopic,
      headers: { [KIND_HEADER]: 'tx' },
    }),
  ],
})
export class ActionsModule {}
