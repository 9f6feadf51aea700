import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the ledger service. Codes are stable strings; the HTTP
 * status of each is in `ledgerErrorStatus` (ledger.definition.ts; docs/services.md "Errors").
 */
export abstract class LedgerError extends AccordError {}

/** POST /v1/channels for a channel whose tx topic already holds records. */
export class ChannelAlreadyExistsError extends LedgerError {
  readonly code = 'channel_already_exists';

  constructor(
    readonly channel: string,
    readonly records: number,
  ) {
    super(`channel ${channel} already exists: its log holds ${records} record(s)`, { channel, records });
  }
}

/** A genesis envelope that would not create its channel (shape, signer, signature, size). */
export class InvalidGenesisError extends LedgerError {
  readonly code = 'genesis_invalid';

  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(message, details);
  }
}

/**
 * The ledger rebuilt a block that differs from the one it stored earlier
 * for the same height (its rows were altered, or the log was). Fatal for
 * that channel: the runner stops and raises an alert.
 */
export class LedgerDivergenceError extends LedgerError {
  readonly code = 'ledger_divergence';

  constructor(
    readonly channel: string,
    readonly height: number,
    readonly storedHash: string | null,
    readonly rebuiltHash: string,
  ) {
    super(
      `channel ${channel}: block ${height} rebuilt from the log has hash ${rebuiltHash} but the database holds ${storedHash ?? 'no block'}`,
      { channel, height, storedHash, rebuiltHash },
    );
  }
}

/** A database row that cannot be mapped back (bad number, bad JSON): the database was altered. */
export class CorruptRowError extends LedgerError {
  readonly code = 'ledger_row_corrupt';

  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(message, details);
  }
}
