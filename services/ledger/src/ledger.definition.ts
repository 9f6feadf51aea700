import {
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  LEDGER_CORE_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  readPackageVersion,
  type ErrorStatusMap,
  type ServiceDefinition,
} from '@accord/service-kit';
import { AppModule } from './app.module';
import { ledgerConfigSchema, type LedgerConfig } from './ledger.config';

/**
 * HTTP status of every code that can reach the ledger service's edge (docs/services.md "Errors");
 * ledger.error-status.spec.ts fails on a code without one.
 */
export const ledgerErrorStatus: ErrorStatusMap = {
  ...KIT_ERROR_STATUS,
  ...PROTOCOL_ERROR_STATUS,
  ...LEDGER_CORE_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  // ledger.errors.ts, query/query.errors.ts
  channel_already_exists: 409,
  genesis_invalid: 400,
  ledger_divergence: 422,
  ledger_row_corrupt: 422,
  block_not_found: 404,
  tx_not_found: 404,
  range_invalid: 400,
  tx_not_provable: 422,
  // submission/submission.errors.ts
  batch_too_large: 400,
  batch_invalid: 400,
  // governance-actions/governance-actions.errors.ts
  already_member: 409,
  join_pending: 409,
  not_channel_member: 409,
  not_channel_owner: 409,
  owner_cannot_leave: 409,
  member_keys_mismatch: 409,
  policy_invalid: 400,
  proposal_not_found: 404,
  already_voted: 409,
  channel_catching_up: 409,
  // pipeline and audit internals, should one escape to a request
  ledger_chain_gap: 422,
  'audit.row_corrupt': 422,
};

/** How main.ts, tests and `accord up` start the ledger service. */
export const ledgerService: ServiceDefinition<LedgerConfig> = {
  name: 'ledger',
  title: 'Accord ledger',
  // A channel policy may allow envelopes up to 16 MiB (ledger-core POLICY_BOUNDS.maxTxBytes); the JSON body
  // adds little, and each channel's own maxTxBytes is enforced by the submission use case.
  maxBodyBytes: 17 * 1024 * 1024,
  description:
    "Cuts blocks deterministically from each channel's ordered log, keeps the hash-linked chain, the tx index and attestations, and serves proofs.",
  version: readPackageVersion(__dirname),
  configSchema: ledgerConfigSchema,
  rootModule: AppModule,
  errorStatus: ledgerErrorStatus,
};
