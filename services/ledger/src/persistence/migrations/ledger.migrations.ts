import { CreateTxNonce1764300000000 } from '@accord/service-kit';
import { CreateLedgerTables1764100000000 } from './create-ledger-tables.migration';

/**
 * Every migration of the ledger service, oldest first (the ONE migrations
 * folder). tx_nonce: the nonce counter of the governance actions the ledger
 * signs as the department (docs/tx-publisher.md).
 */
export const ledgerMigrations = [CreateLedgerTables1764100000000, CreateTxNonce1764300000000];
