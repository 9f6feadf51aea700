import { AccordError } from '../errors/accord.errors';

/**
 * An envelope that is not a well-formed tx for its channel: not JSON the
 * protocol admits, not canonical, wrong shape, too large, another protocol
 * version or another channel. 400; `details.reason` is the protocol's error
 * code (e.g. `tx.invalid`, `tx.too_large`, `tx.wrong_channel`). Raised alike
 * by the ledger's submission API and the department's tx publisher.
 */
export class EnvelopeRejectedError extends AccordError {
  readonly code = 'envelope_invalid';

  constructor(reason: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(`tx envelope rejected: ${message}`, { reason, ...details });
  }
}

/** Every nonce of this signer's lane on the channel was handed out (2^48 of them): configure another lane. */
export class NonceLaneExhaustedError extends AccordError {
  readonly code = 'nonce_lane_exhausted';
}
