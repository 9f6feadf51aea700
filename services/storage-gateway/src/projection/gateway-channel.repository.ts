import { Injectable } from '@nestjs/common';
import { maxTxBytesOf, type ChannelConfig, type MemberRecord } from '@accord/ledger-core';
import { activeMemberOf, storedChannelConfig, type TxChannelView } from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';

/** Where the projections left a channel, read under its row lock. */
export interface ProjectedChannel {
  readonly channel: string;
  blockHeight: number;
  blockTime: number;
  decisionHeight: number;
  decisionSeq: number;
  config: ChannelConfig | null;
}

interface ChannelRow {
  block_height: string;
  block_time: string;
  decision_height: string;
  decision_seq: number;
  config: string | null;
}

/**
 * The channels this gateway follows (gateway_channel): how far the blocks
 * and decisions projections got, and the configuration after the last
 * block, which gives the members' keys (transfer signatures, key wrapping)
 * and the envelope size limit of the tx publisher.
 */
@Injectable()
export class GatewayChannels implements TxChannelView {
  constructor(private readonly db: DataSource) {}

  /** Locks the rows of `channels` in name order (created when missing), so the two projections never deadlock. */
  async lockAll(manager: EntityManager, channels: readonly string[]): Promise<Map<string, ProjectedChannel>> {
    const locked = new Map<string, ProjectedChannel>();
    for (const channel of [...new Set(channels)].sort()) {
      await manager.query('INSERT INTO gateway_channel (channel) VALUES ($1) ON CONFLICT (channel) DO NOTHING', [
        channel,
      ]);
      const rows: ChannelRow[] = await manager.query(
        'SELECT block_height, block_time, decision_height, decision_seq, config FROM gateway_channel WHERE channel = $1 FOR UPDATE',
        [channel],
      );
      const row = rows[0] as ChannelRow;
      locked.set(channel, {
        channel,
        blockHeight: Number(row.block_height),
        blockTime: Number(row.block_time),
        decisionHeight: Number(row.decision_height),
        decisionSeq: row.decision_seq,
        config: row.config === null ? null : storedChannelConfig(channel, row.config),
      });
    }
    return locked;
  }

  async save(manager: EntityManager, projected: ProjectedChannel): Promise<void> {
    await manager.query(
      `UPDATE gateway_channel SET block_height = $2, block_time = $3, decision_height = $4, decision_seq = $5, config = $6
       WHERE channel = $1`,
      [
        projected.channel,
        projected.blockHeight,
        projected.blockTime,
        projected.decisionHeight,
        projected.decisionSeq,
        projected.config === null ? null : JSON.stringify(projected.config),
      ],
    );
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
