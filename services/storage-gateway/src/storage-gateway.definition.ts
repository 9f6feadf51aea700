import { readPackageVersion, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { storageGatewayConfigSchema, type StorageGatewayConfig } from './storage-gateway.config';

/** How main.ts, tests and `accord up` start the storage-gateway service. */
export const storageGatewayService: ServiceDefinition<StorageGatewayConfig> = {
  name: 'storage-gateway',
  title: 'Accord storage gateway',
  description:
    "Keeps the department's off-chain objects encrypted in its object store, anchors them on the ledger and serves them to grantees.",
  version: readPackageVersion(__dirname),
  configSchema: storageGatewayConfigSchema,
  rootModule: AppModule,
};
