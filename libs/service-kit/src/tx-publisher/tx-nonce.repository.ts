import type { DataSource, EntityManager } from 'typeorm';
import { NonceLaneExhaustedError } from './tx-publisher.errors';

/** Nonces of one lane: [lane * 2^48, (lane + 1) * 2^48). Lane 0 holds hand-signed and legacy random nonces. */
export const NONCE_LANE_SIZE = 2 ** 48;
export const MAX_NONCE_LANE = 31;

/**
 * Lanes of the department's signing services: all of them sign as the
 * department (one `from`), each with its own database, so each counts in
 * its own part of the nonce space and none can hand out another's nonce.
 */
export const NONCE_LANES = { contracts: 1, catalog: 2, 'storage-gateway': 3, ledger: 4 } as const;

/** A tx_nonce row as pg returns it (bigint as a string); the schema is the migration's. */
interface TxNonceRow {
  signer: string;
  channel: string;
  lane: number;
  last_nonce: string;
}

/**
 * The tx_nonce counters (docs/tx-publisher.md "Nonces"). One statement
 * both creates the counter and moves it: INSERT ... ON CONFLICT DO UPDATE
 * is atomic in PostgreSQL, so concurrent callers — in this process or in
 * other replicas on the same database — each get the next nonce, and the
 * counter is committed before the nonce is used, so a restart goes on
 * after the last one handed out.
 */
export class TxNonceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The next nonce of `signer` on `channel` in `lane` (the lane's first on
   * first use). Pass the manager of an open transaction to take the nonce in
   * it (on PGlite, the only connection is then busy with that transaction).
   */
  async next(signer: string, channel: string, lane: number, manager?: EntityManager): Promise<number> {
    if (!Number.isInteger(lane) || lane < 1 || lane > MAX_NONCE_LANE) {
      throw new RangeError(`nonce lane must be an integer from 1 to ${MAX_NONCE_LANE}, got ${String(lane)}`);
    }
    const first = lane * NONCE_LANE_SIZE;
    const rows: Pick<TxNonceRow, 'last_nonce'>[] = await (manager ?? this.dataSource.manager).query(
      `INSERT INTO tx_nonce AS n (signer, channel, lane, last_nonce) VALUES ($1, $2, $3, $4)
       ON CONFLICT (signer, channel, lane) DO UPDATE SET last_nonce = n.last_nonce + 1
       RETURNING last_nonce`,
      [signer, channel, lane, first],
    );
    // bigint arrives as a string from pg; every lane ends below 2^53, so it is a safe integer.
    const nonce = Number(rows[0].last_nonce);
    if (nonce >= first + NONCE_LANE_SIZE) {
      throw new NonceLaneExhaustedError(`every nonce of lane ${lane} of ${signer} on ${channel} was used`, {
        signer,
        channel,
        lane,
      });
    }
    return nonce;
  }
}
