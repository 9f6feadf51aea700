import type { ChannelConfig } from '@accord/ledger-core';
import { storedChannelConfig } from './projected-channel';

/**
 * How far a service projected a channel from its two inputs (this
 * department's blocks and its contracts' decisions); a batch moves it and
 * saves it once.
 */
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

/** What the rows are read and written through: an open transaction (EntityManager, or a wrapper of one). */
export interface ChannelRowsQuery {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

interface ChannelRow {
  block_height: string;
  block_time: string;
  decision_height: string;
  decision_seq: number;
  config: string | null;
}

/**
 * A projection's table of channel positions (`<table>`: channel,
 * block_height, block_time, decision_height, decision_seq, config), shared
 * by the catalog and the storage gateway.
 */
export class ProjectedChannelRows {
  constructor(private readonly table: string) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`"${table}" is not a table name`);
  }

  /**
   * The rows of a batch's channels, created on first sight and locked until
   * the transaction ends, in name order: both projection consumers of a
   * service lock in the same order, so they never deadlock.
   */
  async lockAll(db: ChannelRowsQuery, channels: readonly string[]): Promise<Map<string, ProjectedChannel>> {
    const locked = new Map<string, ProjectedChannel>();
    for (const channel of [...new Set(channels)].sort()) {
      await db.query(`INSERT INTO ${this.table} (channel) VALUES ($1) ON CONFLICT (channel) DO NOTHING`, [channel]);
      const [row] = (await db.query(
        `SELECT block_height, block_time, decision_height, decision_seq, config FROM ${this.table} WHERE channel = $1 FOR UPDATE`,
        [channel],
      )) as ChannelRow[];
      const { block_height, block_time, decision_height, decision_seq, config } = row as ChannelRow;
      locked.set(channel, {
        channel,
        blockHeight: Number(block_height),
        blockTime: Number(block_time),
        decisionHeight: Number(decision_height),
        decisionSeq: decision_seq,
        config: config === null ? null : storedChannelConfig(channel, config),
      });
    }
    return locked;
  }

  /** Saves where a batch left the channel. */
  async save(db: ChannelRowsQuery, projected: ProjectedChannel): Promise<void> {
    await db.query(
      `UPDATE ${this.table} SET block_height = $2, block_time = $3, decision_height = $4, decision_seq = $5, config = $6
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
}
