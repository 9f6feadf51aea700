import { LedgerError } from '../ledger.errors';

/** No block at that height (yet). 404. */
export class BlockNotFoundError extends LedgerError {
  readonly code = 'block_not_found';

  constructor(channel: string, height: number, head: number | null) {
    super(`channel ${channel} has no block ${height} (head: ${head === null ? 'none' : head})`, {
      channel,
      height,
      head,
    });
  }
}

/** No committed tx with that id here (yet). 404. */
export class TxNotFoundError extends LedgerError {
  readonly code = 'tx_not_found';

  constructor(txId: string) {
    super(`tx ${txId} is not known to this ledger`, { txId });
  }
}

/** A height range that is empty, reversed or beyond the head. 400. */
export class HeightRangeInvalidError extends LedgerError {
  readonly code = 'range_invalid';

  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super(message, details);
  }
}

/** A tx that exists but cannot be proven the way asked (e.g. its bytes were not an envelope). 422. */
export class TxNotProvableError extends LedgerError {
  readonly code = 'tx_not_provable';

  constructor(txId: string, reason: string) {
    super(`tx ${txId} cannot be proven: ${reason}`, { txId });
  }
}
