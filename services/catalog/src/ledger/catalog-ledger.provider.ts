import { Module, type Provider } from '@nestjs/common';
import { LedgerClient, SERVICE_CONFIG } from '@accord/service-kit';
import type { CatalogConfig } from '../catalog.config';

/** Nest token of this department's ledger API client (null when ACCORD_LEDGER_URL is not set). */
export const CATALOG_LEDGER = 'catalog:ledger-client';

export const catalogLedgerProvider: Provider = {
  provide: CATALOG_LEDGER,
  inject: [SERVICE_CONFIG],
  useFactory: (config: CatalogConfig): LedgerClient | null =>
    config.ledger === null ? null : new LedgerClient(config.ledger.url, config.ledger.token),
};

/** This department's ledger API client, shared by the projection and the provenance trail. */
@Module({ providers: [catalogLedgerProvider], exports: [CATALOG_LEDGER] })
export class CatalogLedgerModule {}
