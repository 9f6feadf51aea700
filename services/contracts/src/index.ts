export { contractsService } from './contracts.definition';
export { contractsConfigSchema, CONTRACTS_DEFAULT_PORT, type ContractsConfig } from './contracts.config';
export { AppModule as ContractsModule } from './app.module';
