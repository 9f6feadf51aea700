import {
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  OBJECT_STORE_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  readPackageVersion,
  type ErrorStatusMap,
  type ServiceDefinition,
} from '@accord/service-kit';
import { AppModule } from './app.module';
import { storageGatewayConfigSchema, type StorageGatewayConfig } from './storage-gateway.config';

/**
 * HTTP status of every code that can reach the storage-gateway service's edge (docs/services.md "Errors");
 * storage-gateway.error-status.spec.ts fails on a code without one.
 */
export const storageGatewayErrorStatus: ErrorStatusMap = {
  ...KIT_ERROR_STATUS,
  ...PROTOCOL_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  ...OBJECT_STORE_ERROR_STATUS,
};

/** How main.ts, tests and `accord up` start the storage-gateway service. */
export const storageGatewayService: ServiceDefinition<StorageGatewayConfig> = {
  name: 'storage-gateway',
  title: 'Accord storage gateway',
  description:
    "Keeps the department's off-chain objects encrypted in its object store, anchors them on the ledger and serves them to grantees.",
  version: readPackageVersion(__dirname),
  configSchema: storageGatewayConfigSchema,
  rootModule: AppModule,
  errorStatus: storageGatewayErrorStatus,
};
