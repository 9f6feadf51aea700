import type { RejectionCode } from '@accord/rules';
import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the contracts service. Codes are stable strings; the HTTP
 * status of each is in `contractsErrorStatus` (contracts.definition.ts; docs/services.md "Errors").
 */
export abstract class ContractsError extends AccordError {}

/** A record (request, grant, dataset, receipts of a tx, digest) that is not on record. */
export class RecordNotFoundError extends ContractsError {
  constructor(
    readonly code:
      'request_not_found' | 'grant_not_found' | 'dataset_not_found' | 'receipts_not_found' | 'digest_not_found',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/**
 * An action the rules would reject, refused before it is signed: the dry
 * run of the rules decider on the state applied here gave it a `rejected`
 * receipt (e.g. a consent to a request another department provides).
 * `code` and message are the decider's (docs/rules.md "Receipts").
 */
export class ActionRejectedError extends ContractsError {
  constructor(
    readonly code: RejectionCode,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/**
 * An action on a request this department's ledger knows — committed as a
 * valid access.request above the height applied here, or submitted and
 * pending — that the contracts service has not applied yet: retry, or wait
 * with ?waitMs=. 409; `details.status` is the ledger's status of the request tx.
 */
export class RequestNotAppliedError extends ContractsError {
  readonly code = 'request_not_applied';

  constructor(
    channel: string,
    request: string,
    ledger: { readonly status: 'pending' } | { readonly status: 'committed'; readonly height: number },
    appliedHeight: number | null,
  ) {
    super(
      ledger.status === 'committed'
        ? `request ${request} is committed at height ${ledger.height} of ${channel} but applied here only up to ${appliedHeight ?? 'none'}: retry, or pass ?waitMs=`
        : `request ${request} is submitted to ${channel} and not committed yet: retry, or pass ?waitMs=`,
      { channel, request, ...ledger, appliedHeight },
    );
  }
}

/** The channel stopped applying blocks (gap, divergence, missing configuration): see GET /v1/channels. */
export class ChannelHaltedError extends ContractsError {
  readonly code = 'channel_halted';

  constructor(
    readonly channel: string,
    reason: string,
  ) {
    super(`channel ${channel} is halted: ${reason}`, { channel });
  }
}

/**
 * Stored rows that cannot be mapped back (bad number, a state that does not
 * validate or does not hash to its stored digest): the database was altered.
 */
export class CorruptStateError extends ContractsError {
  readonly code = 'contracts_state_corrupt';
}

/** Another writer moved this department's blocks checkpoint: the reader reloads its state from the database. */
export class ConcurrentWriterError extends ContractsError {
  readonly code = 'contracts_concurrent_writer';
}

/** A record on the blocks topic that is not a well-formed, self-consistent block.committed event. */
export class BlockEventInvalidError extends ContractsError {
  readonly code = 'block_event_invalid';

  constructor(
    message: string,
    /** The channel the record names, when it names one: that channel halts rather than skip a height. */
    readonly channel: string | null,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}
