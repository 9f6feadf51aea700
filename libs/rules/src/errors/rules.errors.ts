/**
 * Stable error codes of the rule engine. Bad input to the engine itself
 * (a block out of order, a persisted state that does not validate) throws a
 * RulesError; bad transactions never throw: they get `rejected` receipts.
 */
export const RULES_ERROR_CODES = [
  'state.invalid',
  'block.out_of_order',
  'block.wrong_channel',
  'config.invalid',
  'receipt.invalid',
] as const;

export type RulesErrorCode = (typeof RULES_ERROR_CODES)[number];

export class RulesError extends Error {
  override readonly name = 'RulesError';

  constructor(
    readonly code: RulesErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isRulesError(value: unknown): value is RulesError {
  return value instanceof RulesError;
}
