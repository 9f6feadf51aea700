import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The replay guard of signed transfer requests: each (department, nonce)
 * is accepted once while its signature could still be valid. Kept in the
 * database, so a replay is refused by every replica and after a restart.
 */
@Injectable()
export class RequestNonces {
  constructor(private readonly db: DataSource) {}

  /** True the first time (department, nonce) is seen; false for a replay. Forgets expired nonces on the way. */
  async firstSeen(keyId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    await this.db.query('DELETE FROM gateway_request_nonce WHERE expires_at < $1', [nowMs]);
    const rows: unknown[] = await this.db.query(
      `INSERT INTO gateway_request_nonce (key_id, nonce, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key_id, nonce) DO NOTHING RETURNING nonce`,
      [keyId, nonce, expiresAtMs],
    );
    return rows.length === 1;
  }
}
