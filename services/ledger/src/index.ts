export { ledgerService } from './ledger.definition';
export { ledgerConfigSchema, LEDGER_DEFAULT_PORT, type LedgerConfig } from './ledger.config';
export { AppModule as LedgerModule } from './app.module';
export {
  ED25519_NATIVE_ENV,
  loadEd25519Native,
  resolveEd25519Backend,
  type Ed25519Backend,
  type Ed25519Native,
} from './verification/ed25519-native.loader';
