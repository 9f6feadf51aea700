export { storageGatewayService } from './storage-gateway.definition';
export {
  storageGatewayConfigSchema,
  STORAGE_GATEWAY_DEFAULT_PORT,
  type StorageGatewayConfig,
} from './storage-gateway.config';
export { AppModule as StorageGatewayModule } from './app.module';
