import { Module } from '@nestjs/common';
import { AlertRepository } from './alert.repository';
import { AttestationRepository } from './attestation.repository';
import { BlockRepository } from './block.repository';
import { ChannelRepository } from './channel.repository';

const repositories = [ChannelRepository, BlockRepository, AttestationRepository, AlertRepository];

/** The ledger's repositories over the service's DataSource (DatabaseModule is global). */
@Module({ providers: repositories, exports: repositories })
export class LedgerPersistenceModule {}
