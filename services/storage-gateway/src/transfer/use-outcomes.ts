import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayChanges } from '../projection/gateway-changes';

/** What the rules made of an access.use: `used` (code ok or exhausted) or `rejected` (with the rule's code). */
export interface UseOutcome {
  readonly outcome: 'used' | 'rejected';
  readonly code: string;
}

const POLL_MS = 250;

/**
 * Waits for the contracts' decision on an access.use this gateway
 * published, as the decisions projection stores it in gateway_use. The
 * projection's notification wakes the waiter at once; a slow poll of the
 * row covers a decision projected by another replica.
 */
@Injectable()
export class UseOutcomes {
  constructor(
    private readonly db: DataSource,
    private readonly changes: GatewayChanges,
  ) {}

  /** The outcome, or null when none arrived within `timeoutMs`. */
  async wait(txId: string, timeoutMs: number): Promise<UseOutcome | null> {
    const deadline = performance.now() + timeoutMs;
    let wake = (): void => undefined;
    const subscription = this.changes.changes.subscribe((change) => {
      if (change.kind === 'use-decided' && change.txId === txId) wake();
    });
    try {
      for (;;) {
        const outcome = await this.read(txId);
        if (outcome !== null) return outcome;
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await new Promise<void>((resolve) => {
          const timeout = setTimeout(resolve, Math.min(POLL_MS, left));
          wake = () => {
            clearTimeout(timeout);
            resolve();
          };
        });
      }
    } finally {
      subscription.unsubscribe();
    }
  }

  private async read(txId: string): Promise<UseOutcome | null> {
    const rows: { outcome: 'used' | 'rejected' | null; code: string | null }[] = await this.db.query(
      'SELECT outcome, code FROM gateway_use WHERE tx_id = $1',
      [txId],
    );
    const row = rows[0];
    return row?.outcome ? { outcome: row.outcome, code: row.code ?? '' } : null;
  }
}
