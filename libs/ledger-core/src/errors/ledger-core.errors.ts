/**
 * Stable error codes of the ledger core. Bad input to the core (records out
 * of order, a snapshot that does not validate) throws a LedgerCoreError;
 * bad transactions never throw: they get a validity code in their block.
 */
export const LEDGER_CORE_ERROR_CODES = [
  'record.invalid',
  'record.out_of_order',
  'snapshot.invalid',
  'config.invalid',
  'history.invalid',
  'history.out_of_order',
  'finality.invalid',
] as const;

export type LedgerCoreErrorCode = (typeof LEDGER_CORE_ERROR_CODES)[number];

export class LedgerCoreError extends Error {
  override readonly name = 'LedgerCoreError';

  constructor(
    readonly code: LedgerCoreErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isLedgerCoreError(value: unknown): value is LedgerCoreError {
  return value instanceof LedgerCoreError;
}
