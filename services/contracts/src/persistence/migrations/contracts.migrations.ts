import { CreateTxNonce1764300000000 } from '@accord/service-kit';
import { CreateContractsTables1764200000000 } from './create-contracts-tables.migration';

/** Every migration of the contracts service, oldest first (the ONE migrations folder); tx_nonce is the tx publisher's. */
export const contractsMigrations = [CreateContractsTables1764200000000, CreateTxNonce1764300000000];
