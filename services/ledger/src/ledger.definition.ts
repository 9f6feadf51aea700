import { readPackageVersion, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { ledgerConfigSchema, type LedgerConfig } from './ledger.config';

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
};
