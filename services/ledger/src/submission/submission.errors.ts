import { LedgerError } from '../ledger.errors';

/**
 * A submitted envelope that is not a well-formed tx for this channel: not
 * JSON the protocol admits, not canonical, wrong shape, too large, another
 * protocol version or another channel. 400; `details.reason` is the
 * protocol's error code (e.g. `tx.invalid`, `tx.too_large`, `tx.wrong_channel`).
 */
export class EnvelopeRejectedError extends LedgerError {
  readonly code = 'envelope_invalid';

  constructor(reason: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(`tx envelope rejected: ${message}`, { reason, ...details });
  }
}
