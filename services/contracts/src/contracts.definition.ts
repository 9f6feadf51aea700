import { readPackageVersion, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { contractsConfigSchema, type ContractsConfig } from './contracts.config';

/** How main.ts, tests and `accord up` start the contracts service. */
export const contractsService: ServiceDefinition<ContractsConfig> = {
  name: 'contracts',
  title: 'Accord contracts',
  description: "Runs the sharing rules over committed blocks: points, permission levels, access requests, grants, consent and usage counters.",
  version: readPackageVersion(__dirname),
  configSchema: contractsConfigSchema,
  rootModule: AppModule,
};
