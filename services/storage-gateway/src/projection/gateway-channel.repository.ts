import { Injectable } from '@nestjs/common';
import { maxTxBytesOf, type ChannelConfig, type MemberRecord } from '@accord/ledger-core';
import {
  activeMemberOf,
  ProjectedChannelRows,
  storedChannelConfig,
  type ProjectedChannel,
  type TxChannelView,
} from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';

export type { ProjectedChannel };

/**
 * The channels this gateway follows (gateway_channel): how far the blocks
 * and decisions projections got, and the configuration after the last
 * block, which gives the members' keys (transfer signatures, key wrapping)
 * and the envelope size limit of the tx publisher.
 */
@Injectable()
export class GatewayChannels implements TxChannelView {
  private readonly rows = new ProjectedChannelRows('gateway_channel');

  constructor(private readonly db: DataSource) {}

  /** Locks the rows of `channels` in name order (created when missing), so the two projections never deadlock. */
  lockAll(manager: EntityManager, channels: readonly string[]): Promise<Map<string, ProjectedChannel>> {
    return this.rows.lockAll(manager, channels);
  }

  /** Saves where a batch left the channel. */
  save(manager: EntityManager, projected: ProjectedChannel): Promise<void> {
    return this.rows.save(manager, projected);
  }

  /** The channel's latest projected configuration; channel_not_found when there is none. */
  async config(channel: string): Promise<ChannelConfig> {
    const rows: { config: string | null }[] = await this.db.query(
      'SELECT config FROM gateway_channel WHERE channel = $1',
      [channel],
    );
    return storedChannelConfig(channel, rows[0]?.config);
  }

  async maxTxBytes(channel: string): Promise<number> {
    return maxTxBytesOf(await this.config(channel));
  }

  /** The active member's record (its public keys); not_channel_member otherwise. */
  async activeMember(channel: string, department: string): Promise<MemberRecord> {
    return activeMemberOf(await this.config(channel), department);
  }

  /** Block time of the last block projected (the clock grants are live against); 0 before the first. */
  async blockTime(channel: string): Promise<number> {
    const rows: { block_time: string }[] = await this.db.query(
      'SELECT block_time FROM gateway_channel WHERE channel = $1',
      [channel],
    );
    return rows[0] === undefined ? 0 : Number(rows[0].block_time);
  }
}
