import { Module } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import { CLOCK, DeadLetterPublisher, EVENT_BUS, SERVICE_CONFIG, ServiceLogger, type Clock } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import type { ContractsConfig } from '../contracts.config';
import { DEPARTMENT_SIGNER, loadDepartmentSigner, type DepartmentSigner } from '../keys/department-signer.provider';
import { LedgerClient } from '@accord/service-kit';
import { ContractsPersistenceModule } from '../persistence/contracts-persistence.module';
import { ReceiptRepository } from '../persistence/receipt.repository';
import { RulesStateRepository } from '../persistence/rules-state.repository';
import { BlocksEventsController } from './blocks-events.controller';
import { BlocksSubscription } from './blocks.subscription';
import { ContractsPipelineMetrics } from './contracts-pipeline.metrics';
import { BLOCKS_CONSUMER, RulesApplier } from './rules-applier.service';
import { StatePublicationService } from './state-publication.service';
import { StatePublisher } from './state-publisher.service';

export const LEDGER_CLIENT = 'contracts:ledger-client';

/**
 * The rule pipeline: department signer, ledger client, applier (the use
 * case), publisher of attestations and decisions, and the consumer of the
 * department's blocks topic (a subscription of the event transport).
 */
@Module({
  imports: [ContractsPersistenceModule],
  controllers: [BlocksEventsController],
  providers: [
    ContractsPipelineMetrics,
    {
      provide: DEPARTMENT_SIGNER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ContractsConfig) => loadDepartmentSigner(config),
    },
    {
      provide: LEDGER_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ContractsConfig): LedgerClient | null =>
        config.ledger === null ? null : new LedgerClient(config.ledger.url, config.ledger.token),
    },
    {
      provide: RulesApplier,
      inject: [
        DataSource,
        RulesStateRepository,
        ReceiptRepository,
        LEDGER_CLIENT,
        SERVICE_CONFIG,
        ServiceLogger,
        ContractsPipelineMetrics,
        EVENT_BUS,
        CLOCK,
      ],
      useFactory: (
        dataSource: DataSource,
        states: RulesStateRepository,
        receipts: ReceiptRepository,
        ledger: LedgerClient | null,
        config: ContractsConfig,
        log: ServiceLogger,
        metrics: ContractsPipelineMetrics,
        bus: EventBus,
        clock: Clock,
      ) =>
        new RulesApplier({
          dataSource,
          states,
          receipts,
          ledger,
          department: config.department,
          deadLetters: new DeadLetterPublisher({
            bus,
            department: config.department,
            consumer: BLOCKS_CONSUMER,
            log: log.pino,
            counter: metrics.parked,
          }),
          log: log.pino,
          metrics,
          clock,
        }),
    },
    {
      provide: StatePublisher,
      inject: [EVENT_BUS, DEPARTMENT_SIGNER, ReceiptRepository, RulesStateRepository, ContractsPipelineMetrics],
      useFactory: (
        bus: EventBus,
        signer: DepartmentSigner,
        receipts: ReceiptRepository,
        states: RulesStateRepository,
        metrics: ContractsPipelineMetrics,
      ) => new StatePublisher(bus, signer, receipts, states, metrics),
    },
    BlocksSubscription,
    StatePublicationService,
  ],
  exports: [RulesApplier, DEPARTMENT_SIGNER, LEDGER_CLIENT, ContractsPersistenceModule],
})
export class PipelineModule {}
