export { contractsService, contractsErrorStatus } from './contracts.definition';
export {
  contractsConfigSchema,
  CONTRACTS_DEFAULT_PORT,
  type ContractsConfig,
  type ContractsSettings,
} from './contracts.config';
export { AppModule as ContractsModule } from './app.module';
