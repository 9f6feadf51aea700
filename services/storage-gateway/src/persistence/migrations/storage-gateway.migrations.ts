import { CreateTxNonce1764300000000 } from '@accord/service-kit';
import { CreateGatewayTables1764500000000 } from './create-gateway-tables.migration';

/** Every migration of the storage gateway, oldest first; tx_nonce is the tx publisher's. */
export const storageGatewayMigrations = [CreateTxNonce1764300000000, CreateGatewayTables1764500000000];
