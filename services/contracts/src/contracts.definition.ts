import {
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  LEDGER_CORE_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  RULES_ERROR_STATUS,
  readPackageVersion,
  type ErrorStatusMap,
  type ServiceDefinition,
} from '@accord/service-kit';
import { AppModule } from './app.module';
import { contractsConfigSchema, type ContractsConfig } from './contracts.config';

/**
 * HTTP status of every code that can reach the contracts service's edge (docs/services.md "Errors");
 * contracts.error-status.spec.ts fails on a code without one.
 */
export const contractsErrorStatus: ErrorStatusMap = {
  ...KIT_ERROR_STATUS,
  ...PROTOCOL_ERROR_STATUS,
  ...LEDGER_CORE_ERROR_STATUS,
  ...RULES_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  // contracts.errors.ts
  request_not_found: 404,
  grant_not_found: 404,
  dataset_not_found: 404,
  receipts_not_found: 404,
  digest_not_found: 404,
  contracts_state_corrupt: 422,
  contracts_concurrent_writer: 422,
  block_event_invalid: 400,
  request_not_pending: 409,
  request_not_applied: 409,
  grant_not_active: 409,
  grant_exhausted: 409,
  channel_halted: 409,
  not_provider: 403,
  not_requester: 403,
  // Rejections of the rules' dry run (ActionRejectedError): a refused rule is 422, unless it says more.
  invalid_payload: 400,
  invalid_policy: 400,
  invalid_parameters: 400,
  dataset_exists: 422,
  not_owner: 422,
  version_not_next: 422,
  own_dataset: 422,
  amount_overflow: 422,
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
