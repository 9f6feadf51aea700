import { readPackageVersion, type ErrorStatusMap, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { contractsConfigSchema, type ContractsConfig } from './contracts.config';

/** HTTP status of the contracts service's codes where the code's last word does not say it (docs/services.md "Errors"). */
export const contractsErrorStatus: ErrorStatusMap = {
  request_not_pending: 409,
  request_not_applied: 409,
  grant_not_active: 409,
  grant_exhausted: 409,
  channel_halted: 409,
  not_provider: 403,
  not_requester: 403,
};

/** How main.ts, tests and `accord up` start the contracts service. */
export const contractsService: ServiceDefinition<ContractsConfig> = {
  name: 'contracts',
  title: 'Accord contracts',
  description:
    'Runs the sharing rules over committed blocks: points, permission levels, access requests, grants, consent and usage counters.',
  version: readPackageVersion(__dirname),
  configSchema: contractsConfigSchema,
  rootModule: AppModule,
  errorStatus: contractsErrorStatus,
};
