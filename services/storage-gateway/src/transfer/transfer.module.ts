import { Module } from '@nestjs/common';
import { ExchangeController } from './exchange.controller';
import { ExchangeService } from './exchange.service';
import { GrantAndAnchorReader } from './grant-and-anchor.reader';
import { PeerExchangeClient } from './peer-exchange.client';
import { RequestNonces } from './request-nonces.repository';
import { ServingIntegrityGate } from './serving-integrity.gate';
import { TransferRepository } from './transfer.repository';
import { TransferRunner } from './transfer.runner';
import { TransfersController } from './transfers.controller';
import { UseOutcomes } from './use-outcomes';

/**
 * Signed transfers between departments (docs/storage-gateway-transfer.md):
 * the provider's exchange endpoint and the requester's transfers.
 */
@Module({
  controllers: [ExchangeController, TransfersController],
  providers: [
    GrantAndAnchorReader,
    RequestNonces,
    UseOutcomes,
    ServingIntegrityGate,
    ExchangeService,
    PeerExchangeClient,
    TransferRepository,
    TransferRunner,
  ],
  exports: [GrantAndAnchorReader],
})
export class TransferModule {}
