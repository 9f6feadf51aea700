import { CreateLedgerTables1764100000000 } from './create-ledger-tables.migration';

/** Every migration of the ledger service, oldest first (the ONE migrations folder). */
export const ledgerMigrations = [CreateLedgerTables1764100000000];
