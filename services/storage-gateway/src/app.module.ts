import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule, ObjectStoreModule } from '@accord/service-kit';
import { GatewayKeysModule } from './keys/gateway-keys.module';
import { storageGatewayMigrations } from './persistence/migrations/storage-gateway.migrations';
import { ProjectionModule } from './projection/projection.module';
import { ErasureModule } from './erasure/erasure.module';
import { GatewaySigningModule } from './signing/signing.module';
import { StrongModeModule } from './strong-mode/strong-mode.module';
import { VaultModule } from './vault/vault.module';

/**
 * The storage gateway's own module (docs/storage-gateway.md). The kit adds
 * logging, auth, health, metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [
    DatabaseModule.forRoot({ migrations: storageGatewayMigrations }),
    EventBusModule.forRoot(),
    ObjectStoreModule.forRoot(),
    GatewayKeysModule,
    ProjectionModule,
    GatewaySigningModule,
    VaultModule,
    StrongModeModule,
    ErasureModule,
  ],
})
export class AppModule {}
