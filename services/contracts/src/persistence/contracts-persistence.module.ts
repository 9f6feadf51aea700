import { Module } from '@nestjs/common';
import { AccountEntity, ChannelStateEntity, DatasetEntity, GrantEntity, RequestEntity } from './channel-state.entity';
import { DigestEntity, ReceiptEntity } from './receipt.entity';
import { ReceiptRepository } from './receipt.repository';
import { ContractsReadRepository } from './contracts-read.repository';
import { RulesStateRepository } from './rules-state.repository';

/** Every entity of the contracts service, for DatabaseModule.forRoot (the schema itself comes from contractsMigrations). */
export const contractsEntities = [
  ChannelStateEntity,
  AccountEntity,
  DatasetEntity,
  RequestEntity,
  GrantEntity,
  ReceiptEntity,
  DigestEntity,
];

const repositories = [RulesStateRepository, ReceiptRepository, ContractsReadRepository];

/** The contracts service's repositories over the service's DataSource (DatabaseModule is global). */
@Module({ providers: repositories, exports: repositories })
export class ContractsPersistenceModule {}
