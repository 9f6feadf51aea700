import { Injectable } from '@nestjs/common';
import { channelConfigSchema, type ChannelConfig } from '@accord/ledger-core';
import {
  initialRulesState,
  parseRulesState,
  stateDigest,
  type ChannelHalt,
  type ChannelHead,
  type RulesState,
} from '@accord/rules';
import { DataSource, type EntityManager } from 'typeorm';
import { CorruptStateError } from '../contracts.errors';
import { insertRows } from '@accord/persistence';
import { parseJson, toInt, toJsonText } from './row.mapper';

// A channel's head and halt are the block applier's (libs/rules); this repository stores them.
export type { ChannelHalt, ChannelHead } from '@accord/rules';

// Rows as pg returns them (bigint as a string, JSON columns as text); the schema is the migration's.
// RulesStateRepository writes these tables; ContractsReadRepository pages through requests and grants.

/** A contracts_channel row: the rule state's header after the last applied block, its configuration, the publication mark. */
export interface ChannelStateRow {
  channel: string;
  height: string;
  block_hash: string | null;
  time: string;
  digest: string | null;
  params: string | null;
  rules_hash: string | null;
  config: string | null;
  published_height: string;
  halted: string | null;
  updated_at: Date;
}

/** A contracts_account row. */
export interface AccountRow {
  channel: string;
  member: string;
  balance: string;
  held: string;
  score: string;
}

/** A contracts_dataset row. */
export interface DatasetRow {
  channel: string;
  id: string;
  owner: string;
  status: string;
  sensitivity: string;
  record: string;
}

/**
 * A contracts_request row: every access.request ever decided, the state's
 * record (`record`) when it keeps one, else the denial or rejection.
 */
export interface RequestRow {
  channel: string;
  id: string;
  requester: string;
  provider: string | null;
  dataset: string | null;
  purpose: string | null;
  status: string;
  code: string | null;
  requested_height: string;
  requested_time: string;
  record: string | null;
  decision: string | null;
}

/** A contracts_grant row. */
export interface GrantRow {
  channel: string;
  id: string;
  requester: string;
  provider: string;
  dataset: string;
  purpose: string;
  status: string;
  granted_height: string;
  expires_at: string;
  record: string;
}

const CHANNEL_COLUMNS =
  'channel, height, block_hash, time, digest, params, rules_hash, config, published_height, halted, updated_at';

/**
 * The rule state of each channel as rows: contracts_channel (header,
 * configuration, publication mark, halt) and one row per account, dataset,
 * grant and state-kept request. Loading assembles and validates the state
 * and checks it against its stored digest; saving writes only the records a
 * batch changed (records are immutable values, so a changed record is a
 * different object).
 */
@Injectable()
export class RulesStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async listChannels(manager: EntityManager = this.dataSource.manager): Promise<ChannelHead[]> {
    const rows: ChannelStateRow[] = await manager.query(
      `SELECT ${CHANNEL_COLUMNS} FROM contracts_channel ORDER BY channel`,
    );
    return rows.map(toChannelHead);
  }

  /** The channel's rule state as stored, validated and checked against its digest (CorruptStateError otherwise). */
  async loadState(manager: EntityManager, head: ChannelHead): Promise<RulesState> {
    if (head.height < 0) return initialRulesState();
    const { channel } = head;
    const [header] = (await manager.query('SELECT params, rules_hash FROM contracts_channel WHERE channel = $1', [
      channel,
    ])) as Pick<ChannelStateRow, 'params' | 'rules_hash'>[];
    const accounts: Omit<AccountRow, 'channel'>[] = await manager.query(
      'SELECT member, balance, held, score FROM contracts_account WHERE channel = $1',
      [channel],
    );
    const records = async (sql: string): Promise<Record<string, unknown>> => {
      // Datasets, grants, and requests the state keeps (record NOT NULL).
      const rows: Pick<DatasetRow | GrantRow, 'id' | 'record'>[] = await manager.query(sql, [channel]);
      return Object.fromEntries(rows.map((r) => [r.id, parseJson(r.record, `${channel} record ${r.id}`)]));
    };
    const candidate = {
      v: 1,
      channel,
      height: head.height,
      time: head.time,
      params: header?.params == null ? null : parseJson(header.params, `${channel} params`),
      rulesHash: header?.rules_hash ?? null,
      accounts: Object.fromEntries(
        accounts.map((a) => [
          a.member,
          { balance: toInt(a.balance, 'balance'), held: toInt(a.held, 'held'), score: toInt(a.score, 'score') },
        ]),
      ),
      datasets: await records('SELECT id, record FROM contracts_dataset WHERE channel = $1'),
      requests: await records('SELECT id, record FROM contracts_request WHERE channel = $1 AND record IS NOT NULL'),
      grants: await records('SELECT id, record FROM contracts_grant WHERE channel = $1'),
    };
    let state: RulesState;
    try {
      state = parseRulesState(candidate);
    } catch (error) {
      throw new CorruptStateError(`stored rule state of ${channel} is invalid: ${(error as Error).message}`, {
        channel,
      });
    }
    const digest = stateDigest(state);
    if (digest !== head.digest) {
      throw new CorruptStateError(
        `stored rule state of ${channel} at height ${head.height} has digest ${digest}, not the recorded ${String(head.digest)}`,
        {
          channel,
          height: head.height,
        },
      );
    }
    return state;
  }

  /** Writes the channel row: head, parameters, configuration and halt. */
  async saveChannel(manager: EntityManager, head: ChannelHead, state: RulesState): Promise<void> {
    await manager.query(
      `INSERT INTO contracts_channel AS c (channel, height, block_hash, time, digest, params, rules_hash, config, published_height, halted, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (channel) DO UPDATE SET height = EXCLUDED.height, block_hash = EXCLUDED.block_hash, time = EXCLUDED.time,
         digest = EXCLUDED.digest, params = EXCLUDED.params, rules_hash = EXCLUDED.rules_hash, config = EXCLUDED.config,
         halted = EXCLUDED.halted, updated_at = now()`,
      [
        head.channel,
        head.height,
        head.blockHash,
        head.time,
        head.digest,
        toJsonText(state.params),
        state.rulesHash,
        toJsonText(head.config),
        head.publishedHeight,
        toJsonText(head.halted),
      ],
    );
  }

  /**
   * Upserts the accounts, datasets, grants and state-kept requests that
   * differ between `before` and `after` (the state at the start and end of a
   * batch). Records are never removed from a rule state; one that vanished
   * means a bug, not a case to persist.
   */
  async saveRecords(
    manager: EntityManager,
    channel: string,
    before: RulesState,
    after: RulesState,
    requestDecisions: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    const accounts = changed(before.accounts, after.accounts).map(([member, a]) => [
      channel,
      member,
      a.balance,
      a.held,
      a.score,
    ]);
    await insertRows(
      manager,
      'contracts_account',
      ['channel', 'member', 'balance', 'held', 'score'],
      accounts,
      'ON CONFLICT (channel, member) DO UPDATE SET balance = EXCLUDED.balance, held = EXCLUDED.held, score = EXCLUDED.score',
    );

    const datasets = changed(before.datasets, after.datasets).map(([id, d]) => [
      channel,
      id,
      d.owner,
      d.status,
      d.sensitivity,
      JSON.stringify(d),
    ]);
    await insertRows(
      manager,
      'contracts_dataset',
      ['channel', 'id', 'owner', 'status', 'sensitivity', 'record'],
      datasets,
      'ON CONFLICT (channel, id) DO UPDATE SET status = EXCLUDED.status, record = EXCLUDED.record',
    );

    const grants = changed(before.grants, after.grants).map(([id, g]) => [
      channel,
      id,
      g.requester,
      g.provider,
      g.dataset,
      g.purpose,
      g.status,
      g.grantedAt.height,
      g.expiresAt,
      JSON.stringify(g),
    ]);
    await insertRows(
      manager,
      'contracts_grant',
      [
        'channel',
        'id',
        'requester',
        'provider',
        'dataset',
        'purpose',
        'status',
        'granted_height',
        'expires_at',
        'record',
      ],
      grants,
      'ON CONFLICT (channel, id) DO UPDATE SET status = EXCLUDED.status, record = EXCLUDED.record',
    );

    const requests = changed(before.requests, after.requests).map(([id, r]) => [
      channel,
      id,
      r.requester,
      r.provider,
      r.dataset,
      r.purpose,
      r.status,
      r.code,
      r.requestedAt.height,
      r.requestedAt.time,
      JSON.stringify(r),
      toJsonText(requestDecisions.get(id)),
    ]);
    await insertRows(
      manager,
      'contracts_request',
      [
        'channel',
        'id',
        'requester',
        'provider',
        'dataset',
        'purpose',
        'status',
        'code',
        'requested_height',
        'requested_time',
        'record',
        'decision',
      ],
      requests,
      'ON CONFLICT (channel, id) DO UPDATE SET status = EXCLUDED.status, code = EXCLUDED.code, record = EXCLUDED.record, decision = COALESCE(EXCLUDED.decision, contracts_request.decision)',
    );
  }

  /** Requests the state does not keep (denied when made, or rejected): written once, from their receipts. */
  async insertUnkeptRequests(manager: EntityManager, rows: readonly UnkeptRequest[]): Promise<void> {
    await insertRows(
      manager,
      'contracts_request',
      [
        'channel',
        'id',
        'requester',
        'provider',
        'dataset',
        'purpose',
        'status',
        'code',
        'requested_height',
        'requested_time',
        'record',
        'decision',
      ],
      rows.map((r) => [
        r.channel,
        r.id,
        r.requester,
        r.provider,
        r.dataset,
        r.purpose,
        r.status,
        r.code,
        r.height,
        r.time,
        null,
        JSON.stringify(r.decision),
      ]),
      'ON CONFLICT (channel, id) DO NOTHING',
    );
  }

  /** Marks a channel halted without touching its state rows (used when those rows cannot be loaded). */
  async saveHalt(manager: EntityManager, channel: string, halt: ChannelHalt): Promise<void> {
    await manager.query('UPDATE contracts_channel SET halted = $2, updated_at = now() WHERE channel = $1', [
      channel,
      JSON.stringify(halt),
    ]);
  }

  async markPublished(channel: string, height: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE contracts_channel SET published_height = GREATEST(published_height, $2), updated_at = now() WHERE channel = $1',
      [channel, height],
    );
  }
}

/** An access.request the rules denied when it was made or rejected: a query row, not rule state. */
export interface UnkeptRequest {
  readonly channel: string;
  readonly id: string;
  readonly requester: string;
  readonly provider: string | null;
  readonly dataset: string | null;
  readonly purpose: string | null;
  readonly status: 'denied' | 'rejected';
  readonly code: string;
  readonly height: number;
  readonly time: number;
  readonly decision: unknown;
}

function changed<T>(before: Readonly<Record<string, T>>, after: Readonly<Record<string, T>>): [string, T][] {
  const out: [string, T][] = [];
  for (const key in before) {
    if (Object.hasOwn(before, key) && !Object.hasOwn(after, key))
      throw new Error(`record ${key} vanished from the rule state`);
  }
  for (const key in after) {
    if (!Object.hasOwn(after, key)) continue;
    if (!Object.hasOwn(before, key) || before[key] !== after[key]) out.push([key, after[key]]);
  }
  return out;
}

export function toChannelHead(row: ChannelStateRow): ChannelHead {
  const what = `contracts_channel ${row.channel}`;
  let config: ChannelConfig | null = null;
  if (row.config !== null) {
    const parsed = channelConfigSchema.safeParse(parseJson(row.config, `${what} config`));
    if (!parsed.success)
      throw new CorruptStateError(`${what}: the stored configuration is invalid`, { channel: row.channel });
    config = parsed.data;
  }
  return {
    channel: row.channel,
    height: toInt(row.height, `${what} height`),
    blockHash: row.block_hash,
    time: toInt(row.time, `${what} time`),
    digest: row.digest,
    config,
    publishedHeight: toInt(row.published_height, `${what} published_height`),
    halted: row.halted === null ? null : (parseJson(row.halted, `${what} halted`) as ChannelHalt),
  };
}
