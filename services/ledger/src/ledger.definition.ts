import { readPackageVersion, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { ledgerConfigSchema, type LedgerConfig } from './ledger.config';

/** How main.ts, tests and `accord up` start the ledger service. */
export const ledgerService: ServiceDefinition<LedgerConfig> = {
  name: 'ledger',
  title: 'Accord ledger',
  description: "Cuts blocks deterministically from each channel's ordered log, keeps the hash-linked chain, the tx index and attestations, and serves proofs.",
  version: readPackageVersion(__dirname),
  configSchema: ledgerConfigSchema,
  rootModule: AppModule,
};
