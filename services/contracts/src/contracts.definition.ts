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
  // Rejections of the rules' dry run that an action may meet (the others keep the 422 of a refused rule).
  unknown_dataset: 404,
  unknown_request: 404,
  unknown_grant: 404,
  duplicate_request: 409,
  dataset_deprecated: 409,
  requester_not_member: 409,
  provider_not_member: 409,
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
