import { Injectable } from '@nestjs/common';
import type { ChannelConfig } from '@accord/ledger-core';
import type { EntityManager } from 'typeorm';
import { storedJson } from './stored-text';

/** How far the catalog projected a channel, from its two inputs. */
export interface ProjectedChannel {
  readonly channel: string;
  /** The last block whose txs and configuration are projected (-1: none). */
  readonly blockHeight: number;
  /** The last decision applied, as (height, seq); (-1, -1): none. */
  readonly decisionHeight: number;
  readonly decisionSeq: number;
  /** The genesis of the channel (from the stored configuration), null before it is known. */
  readonly config: ChannelConfig | null;
}

interface ChannelRow {
  channel: string;
  block_height: string;
  decision_height: string;
  decision_seq: number;
  config: string | null;
}

/** catalog_channel and catalog_authority: the projection's positions and the parameters it reads. */
@Injectable()
export class CatalogChannelRepository {
  /** The channel's row, created on first sight; locked until the transaction ends. */
  async lock(manager: EntityManager, channel: string): Promise<ProjectedChannel> {
    await manager.query('INSERT INTO catalog_channel (channel) VALUES ($1) ON CONFLICT (channel) DO NOTHING', [
      channel,
    ]);
    const [row] = (await manager.query(
      'SELECT channel, block_height, decision_height, decision_seq, config FROM catalog_channel WHERE channel = $1 FOR UPDATE',
      [channel],
    )) as ChannelRow[];
    return {
      channel,
      blockHeight: Number(row.block_height),
      decisionHeight: Number(row.decision_height),
      decisionSeq: row.decision_seq,
      config: row.config === null ? null : (JSON.parse(row.config) as ChannelConfig),
    };
  }

  async blockProjected(manager: EntityManager, channel: string, height: number, time: number): Promise<void> {
    await manager.query('UPDATE catalog_channel SET block_height = $2, block_time = $3 WHERE channel = $1', [
      channel,
      height,
      time,
    ]);
  }

  async decisionApplied(manager: EntityManager, channel: string, height: number, seq: number): Promise<void> {
    await manager.query('UPDATE catalog_channel SET decision_height = $2, decision_seq = $3 WHERE channel = $1', [
      channel,
      height,
      seq,
    ]);
  }

  /** Stores the configuration after a block and the authoritative departments it names. */
  async configChanged(
    manager: EntityManager,
    channel: string,
    config: ChannelConfig,
    authorities: Readonly<Record<string, string>> | undefined,
  ): Promise<void> {
    await manager.query('UPDATE catalog_channel SET config = $2 WHERE channel = $1', [channel, storedJson(config)]);
    if (authorities === undefined) return;
    await manager.query('DELETE FROM catalog_authority WHERE channel = $1', [channel]);
    for (const [domain, department] of Object.entries(authorities).sort(([a], [b]) => (a < b ? -1 : 1)))
      await manager.query('INSERT INTO catalog_authority (channel, domain, department) VALUES ($1, $2, $3)', [
        channel,
        domain,
        department,
      ]);
  }
}
