import { Injectable } from '@nestjs/common';
import { GENESIS_PREV_HASH } from '@accord/protocol';
import type { BuilderSnapshot, ChannelConfig } from '@accord/ledger-core';
import { DataSource, type EntityManager } from 'typeorm';
import { ChannelNotFoundError } from '@accord/service-kit';
import { toInt } from './row.mapper';

/** Why the ledger follows a channel: ACCORD_LEDGER_CHANNELS, POST .../follow, or POST /v1/channels. */
export type FollowSource = 'config' | 'api' | 'create';

/** A ledger_channel row as pg returns it (bigint as a string); the schema is the migration's. */
export interface ChannelRow {
  channel: string;
  following: boolean;
  follow_source: FollowSource;
  followed_at: Date;
  next_height: string;
  head_hash: string;
  head_time: string;
  next_offset: string;
  config: unknown;
  published_height: string;
  updated_at: Date;
}

/** A followed channel and the BlockBuilder snapshot after its last committed block. */
export interface ChannelState {
  readonly channel: string;
  readonly following: boolean;
  readonly followSource: FollowSource;
  readonly followedAt: Date;
  /** Resume point: nextHeight, prevHash (head hash), prevTime, nextOffset (tx topic), config. */
  readonly snapshot: BuilderSnapshot;
  /** Highest height whose block.committed event and own attestation were published; -1 for none. */
  readonly publishedHeight: number;
  readonly updatedAt: Date;
}

const COLUMNS =
  'channel, following, follow_source, followed_at, next_height, head_hash, head_time, next_offset, config, published_height, updated_at';

/** ledger_channel: followed channels and their resume snapshots. */
@Injectable()
export class ChannelRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Starts (or resumes) following a channel; keeps its snapshot if it was followed before. */
  async follow(channel: string, source: FollowSource): Promise<ChannelState> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `INSERT INTO ledger_channel AS c (channel, follow_source, head_hash) VALUES ($1, $2, $3)
       ON CONFLICT (channel) DO UPDATE SET following = true, updated_at = now()
       RETURNING ${COLUMNS}`,
      [channel, source, GENESIS_PREV_HASH],
    );
    return toChannelState(rows[0]);
  }

  async list(options: { readonly followingOnly?: boolean } = {}): Promise<ChannelState[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ledger_channel ${options.followingOnly ? 'WHERE following' : ''} ORDER BY channel`,
    );
    return rows.map(toChannelState);
  }

  async find(channel: string, manager?: EntityManager): Promise<ChannelState | undefined> {
    const rows: ChannelRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM ledger_channel WHERE channel = $1`,
      [channel],
    );
    return rows.length === 0 ? undefined : toChannelState(rows[0]);
  }

  /** Like find, but throws ChannelNotFoundError (404) for a channel never followed. */
  async get(channel: string, manager?: EntityManager): Promise<ChannelState> {
    const state = await this.find(channel, manager);
    if (state === undefined) throw new ChannelNotFoundError(channel);
    return state;
  }

  /** Reads the channel row and locks it until the caller's transaction ends (one committer at a time). */
  async lockForCommit(manager: EntityManager, channel: string): Promise<ChannelState> {
    const rows: ChannelRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM ledger_channel WHERE channel = $1 FOR UPDATE`,
      [channel],
    );
    if (rows.length === 0) throw new ChannelNotFoundError(channel);
    return toChannelState(rows[0]);
  }

  /** Stores the snapshot after the last block inserted in the same transaction. */
  async saveSnapshot(manager: EntityManager, snapshot: BuilderSnapshot): Promise<void> {
    await manager.query(
      `UPDATE ledger_channel SET next_height = $2, head_hash = $3, head_time = $4, next_offset = $5, config = $6, updated_at = now()
       WHERE channel = $1`,
      [
        snapshot.channel,
        snapshot.nextHeight,
        snapshot.prevHash,
        snapshot.prevTime,
        snapshot.nextOffset,
        snapshot.config === null ? null : JSON.stringify(snapshot.config),
      ],
    );
  }

  /** Records that events and own attestations of every block up to `height` are published (never moves back). */
  async markPublished(channel: string, height: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE ledger_channel SET published_height = greatest(published_height, $2) WHERE channel = $1',
      [channel, height],
    );
  }
}

function toChannelState(row: ChannelRow): ChannelState {
  const what = `ledger_channel ${row.channel}`;
  return {
    channel: row.channel,
    following: row.following,
    followSource: row.follow_source,
    followedAt: row.followed_at,
    snapshot: {
      v: 1,
      channel: row.channel,
      nextHeight: toInt(row.next_height, `${what} next_height`),
      prevHash: row.head_hash,
      prevTime: toInt(row.head_time, `${what} head_time`),
      nextOffset: toInt(row.next_offset, `${what} next_offset`),
      // Validated by the BlockBuilder that resumes from it.
      config: (row.config ?? null) as ChannelConfig | null,
    },
    publishedHeight: toInt(row.published_height, `${what} published_height`),
    updatedAt: row.updated_at,
  };
}
