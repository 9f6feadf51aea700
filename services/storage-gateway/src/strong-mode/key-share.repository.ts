import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MissingShare } from './key-share.plan';

/**
 * What the key sharer reads: for every live grant where this department is
 * the provider (status active, not expired at its channel's last block
 * time), every committed own record of the granted dataset that still has
 * its key, is not erased, and has no key share on the chain for that grant.
 */
@Injectable()
export class KeyShareRepository {
  constructor(private readonly db: DataSource) {}

  async missing(provider: string): Promise<MissingShare[]> {
    const rows: {
      channel: string;
      dataset: string;
      grant_id: string;
      requester: string;
      tx_id: string;
      wrapped_key: string;
    }[] = await this.db.query(
      `SELECT g.channel, g.dataset, g.grant_id, g.requester, r.tx_id, r.wrapped_key
       FROM gateway_grant g
       JOIN gateway_channel c ON c.channel = g.channel
       JOIN gateway_record r ON r.channel = g.channel AND r.dataset = g.dataset AND r.owner = g.provider
       WHERE g.provider = $1 AND g.status = 'active' AND g.expires_at > c.block_time
         AND r.height >= 0 AND r.wrapped_key IS NOT NULL AND r.erased_by IS NULL
         AND NOT EXISTS (SELECT 1 FROM gateway_key_share s WHERE s.grant_id = g.grant_id AND s.record_tx_id = r.tx_id)
       ORDER BY g.height, g.grant_id, r.height, r.tx_index`,
      [provider],
    );
    return rows.map((r) => ({
      channel: r.channel,
      dataset: r.dataset,
      grantId: r.grant_id,
      requester: r.requester,
      recordTxId: r.tx_id,
      wrappedKey: r.wrapped_key,
    }));
  }
}
