import { Global, Module } from '@nestjs/common';
import { GatewayBlocksProjection } from './gateway-blocks.projection';
import { GatewayChannels } from './gateway-channel.repository';
import { GatewayChanges } from './gateway-changes';
import { GatewayDecisionsProjection } from './gateway-decisions.projection';
import { GATEWAY_LEDGER, gatewayLedgerProvider } from './gateway-ledger.provider';
import { GatewayMetrics } from './gateway.metrics';
import { ProjectionEventsController } from './projection-events.controller';
import { StorageTxProjector } from './storage-tx.projector';

/**
 * What the gateway follows of the chain (docs/storage-gateway.md
 * "Projection"): channels and members' keys, every department's storage
 * txs, the grants and use outcomes of this department. Global: every use
 * case reads the channels, listens to the changes and counts its metrics.
 */
@Global()
@Module({
  controllers: [ProjectionEventsController],
  providers: [
    GatewayChannels,
    GatewayChanges,
    GatewayMetrics,
    StorageTxProjector,
    GatewayBlocksProjection,
    GatewayDecisionsProjection,
    gatewayLedgerProvider,
  ],
  exports: [GatewayChannels, GatewayChanges, GatewayMetrics, GATEWAY_LEDGER],
})
export class ProjectionModule {}
