import { Injectable } from '@nestjs/common';
import type { ChannelConfig } from '@accord/ledger-core';
import type { ProjectionTx } from './projection.tx';
import { storedJson } from './stored-text';

/** How far the catalog projected a channel, from its two inputs; a batch moves it and saves it once. */
export interface ProjectedChannel {
  readonly channel: string;
  /** The last block whose txs and configuration are projected (-1: none), and its time. */
  blockHeight: number;
  blockTime: number;
  /** The last decision applied, as (height, seq); (-1, -1): none. */
  decisionHeight: number;
  decisionSeq: number;
  /** The configuration after the last block that changed it (null before the genesis is projected). */
  config: ChannelConfig | null;
}

interface ChannelRow {
  block_height: string;
  block_time: string;
  decision_height: string;
  decision_seq: number;
  config: string | null;
}

/** catalog_channel and catalog_authority: the projection's positions and the parameters it reads. */
@Injectable()
export class CatalogChannelRepository {
  /** The channel's row, created on first sight; locked until the transaction ends. */
  async lock(tx: ProjectionTx, channel: string): Promise<ProjectedChannel> {
    await tx.query('INSERT INTO catalog_channel (channel) VALUES ($1) ON CONFLICT (channel) DO NOTHING', [channel]);
    const [row] = await tx.query<ChannelRow>(
      'SELECT block_height, block_time, decision_height, decision_seq, config FROM catalog_channel WHERE channel = $1 FOR UPDATE',
      [channel],
    );
    return {
      channel,
      blockHeight: Number(row.block_height),
      blockTime: Number(row.block_time),
      decisionHeight: Number(row.decision_height),
      decisionSeq: row.decision_seq,
      config: row.config === null ? null : (JSON.parse(row.config) as ChannelConfig),
    };
  }

  /**
   * The rows of a batch's channels, each locked once, in name order: both
   * projection consumers lock in the same order, so they never deadlock.
   */
  async lockAll(tx: ProjectionTx, channels: readonly string[]): Promise<Map<string, ProjectedChannel>> {
    const locked = new Map<string, ProjectedChannel>();
    for (const channel of [...new Set(channels)].sort()) locked.set(channel, await this.lock(tx, channel));
    return locked;
  }

  /** Saves where a batch left the channel. */
  async save(tx: ProjectionTx, projected: ProjectedChannel): Promise<void> {
    await tx.query(
      `UPDATE catalog_channel SET block_height = $2, block_time = $3, decision_height = $4, decision_seq = $5, config = $6
       WHERE channel = $1`,
      [
        projected.channel,
        projected.blockHeight,
        projected.blockTime,
        projected.decisionHeight,
        projected.decisionSeq,
        projected.config === null ? null : storedJson(projected.config),
      ],
    );
  }

  /** Replaces the channel's authoritative departments (rule parameter authoritativeSources). */
  async authoritiesChanged(
    tx: ProjectionTx,
    channel: string,
    authorities: Readonly<Record<string, string>>,
  ): Promise<void> {
    await tx.query('DELETE FROM catalog_authority WHERE channel = $1', [channel]);
    for (const [domain, department] of Object.entries(authorities))
      tx.insert('catalog_authority', ['channel', 'domain', 'department'], [channel, domain, department]);
  }
}
