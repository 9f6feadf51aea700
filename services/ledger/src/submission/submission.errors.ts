import { LedgerError } from '../ledger.errors';

/** The most envelopes one POST /v1/channels/:channel/txs/batch may carry. */
export const MAX_BATCH_ENVELOPES = 1000;

/** A batch submission with more envelopes than {@link MAX_BATCH_ENVELOPES}. */
export class BatchTooLargeError extends LedgerError {
  readonly code = 'batch_too_large';

  constructor(readonly count: number) {
    super(`a batch holds at most ${MAX_BATCH_ENVELOPES} envelopes, this one ${count}`, {
      count,
      maxEnvelopes: MAX_BATCH_ENVELOPES,
    });
  }
}

/** A batch submission whose body is not a JSON array (of at least one element). */
export class BatchInvalidError extends LedgerError {
  readonly code = 'batch_invalid';

  constructor(message: string) {
    super(message);
  }
}
