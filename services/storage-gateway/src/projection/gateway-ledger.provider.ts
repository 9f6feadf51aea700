import type { Provider } from '@nestjs/common';
import { LedgerClient, SERVICE_CONFIG } from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';

/** Nest token of this department's ledger API client (null when ACCORD_LEDGER_URL is not set). */
export const GATEWAY_LEDGER = 'storage-gateway:ledger-client';

export const gatewayLedgerProvider: Provider = {
  provide: GATEWAY_LEDGER,
  inject: [SERVICE_CONFIG],
  useFactory: (config: StorageGatewayConfig): LedgerClient | null =>
    config.ledger === null ? null : new LedgerClient(config.ledger.url, config.ledger.token),
};
