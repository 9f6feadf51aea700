import { Module } from '@nestjs/common';
import { ReceiptRepository } from './receipt.repository';
import { ContractsReadRepository } from './contracts-read.repository';
import { RulesStateRepository } from './rules-state.repository';

const repositories = [RulesStateRepository, ReceiptRepository, ContractsReadRepository];

/** The contracts service's repositories over the service's DataSource (DatabaseModule is global). */
@Module({ providers: repositories, exports: repositories })
export class ContractsPersistenceModule {}
