import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule, ObjectStoreModule } from '@accord/service-kit';
import { GatewayKeysModule } from './keys/gateway-keys.module';
import { storageGatewayMigrations } from './persistence/migrations/storage-gateway.migrations';
import { ProjectionModule } from './projection/projection.module';
import { ErasureModule } from './erasure/erasure.module';
import { GatewaySigningModule } from './signing/signing.module';
import { TransferModule } from './transfer/transfer.module';
import { StrongModeModule } from './strong-mode/strong-mode.module';
import { VaultModule } from './vault/vault.module';
import { ScrubberModule } from './scrubber/scrubber.module';
import { AnchoringModule } from './anchoring/anchoring.module';
import { ObjectsModule } from './objects/objects.module';
import { UploadModule } from './upload/upload.module';

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
    TransferModule,
    ScrubberModule,
    AnchoringModule,
    UploadModule,
    ObjectsModule,
    StrongModeModule,
    ErasureModule,
  ],
})
export class AppModule {}
