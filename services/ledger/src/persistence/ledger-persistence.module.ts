import { Module } from '@nestjs/common';
import { AlertEntity } from './alert.entity';
import { AlertRepository } from './alert.repository';
import { AttestationEntity, AttestCursorEntity } from './attestation.entity';
import { AttestationRepository } from './attestation.repository';
import { BlockEntity } from './block.entity';
import { BlockRepository } from './block.repository';
import { ConfigVersionEntity, GovernanceEventEntity, KeyChangeEntity } from './chain-history.entity';
import { ChannelEntity } from './channel.entity';
import { ChannelRepository } from './channel.repository';
import { TxEntity } from './tx.entity';

/** Every entity of the ledger service, for DatabaseModule.forRoot (the schema itself comes from ledgerMigrations). */
export const ledgerEntities = [
  ChannelEntity,
  BlockEntity,
  TxEntity,
  ConfigVersionEntity,
  KeyChangeEntity,
  GovernanceEventEntity,
  AttestationEntity,
  AttestCursorEntity,
  AlertEntity,
];

const repositories = [ChannelRepository, BlockRepository, AttestationRepository, AlertRepository];

/** The ledger's repositories over the service's DataSource (DatabaseModule is global). */
@Module({ providers: repositories, exports: repositories })
export class LedgerPersistenceModule {}
