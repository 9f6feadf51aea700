export { ledgerService } from './ledger.definition';
export { ledgerConfigSchema, LEDGER_DEFAULT_PORT, type LedgerConfig } from './ledger.config';
export { AppModule as LedgerModule } from './app.module';
