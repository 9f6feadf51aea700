import { Injectable } from '@nestjs/common';
import { toHex, VALIDITY_CODES, type Block, type BlockHeader, type TxEntry, type ValidityCode } from '@accord/protocol';
import {
  burnsNonce,
  type ChannelConfig,
  type ClosedBlock,
  type GovernanceEvent,
  type KeyChange,
} from '@accord/ledger-core';
import { DataSource, type EntityManager } from 'typeorm';
import { CorruptRowError } from '../ledger.errors';
import { insertRows } from '@accord/persistence';
import { storedLeafHash, toCode, toInt, toTxEntry } from './row.mapper';

/** One tx record of a block as read from the log. */
export interface BlockTxRecord {
  readonly offset: number;
  /** The record value exactly as read (the envelope's JCS, or garbage kept as raw). */
  readonly value: Uint8Array;
}

/** A closed block and what the ledger stores with it. */
export interface BlockToCommit {
  readonly closed: ClosedBlock;
  /** Its tx records in block order (cut markers excluded): one per entry of `closed.block.txs`. */
  readonly records: readonly BlockTxRecord[];
  /** The block changed the channel configuration (stored as a new config version). */
  readonly configChanged: boolean;
}

/** A committed block's header and bookkeeping, without its txs. */
export interface StoredBlockHeader {
  readonly header: BlockHeader;
  readonly hash: string;
  readonly configChanged: boolean;
  readonly final: boolean;
  readonly finalAt: Date | null;
  readonly committedAt: Date;
}

/** A committed block with its txs. */
export interface StoredBlock extends StoredBlockHeader {
  readonly block: Block;
  /** txId per entry (null for raw entries). */
  readonly txIds: readonly (string | null)[];
  /** The stored bytes of each entry (the log record), from which its hashes can be taken without re-encoding. */
  readonly txBytes: readonly Buffer[];
}

/** One committed tx and where it is. */
export interface StoredTx {
  readonly channel: string;
  readonly height: number;
  readonly index: number;
  /** null for a record that was not an envelope (`entry.raw`). */
  readonly txId: string | null;
  readonly from: string | null;
  readonly type: string | null;
  readonly nonce: number | null;
  readonly code: ValidityCode;
  /** Offset of its record on accord.<channel>.tx. */
  readonly offset: number;
  readonly entry: TxEntry;
  /** RFC 6962 leaf hash (hex), computed from the stored bytes. */
  readonly leafHash: string;
}

// Rows as pg returns them (bigint as a string); the schema is the migration's.

/** A ledger_block row. */
export interface BlockRow {
  channel: string;
  height: string;
  hash: string;
  prev_hash: string;
  tx_root: string;
  tx_count: number;
  first_offset: string;
  last_offset: string;
  time: string;
  config_changed: boolean;
  final: boolean;
  final_at: Date | null;
  committed_at: Date;
}

/** A ledger_tx row. */
export interface TxRow {
  channel: string;
  height: string;
  idx: number;
  tx_id: string | null;
  from_member: string | null;
  type: string | null;
  nonce: string | null;
  code: string;
  log_offset: string;
  bytes: Buffer;
}

/** A ledger_config_version row. */
export interface ConfigVersionRow {
  channel: string;
  height: string;
  config: unknown;
}

/** A ledger_key_change row. */
export interface KeyChangeRow {
  channel: string;
  height: string;
  seq: number;
  member: string;
  at_height: string;
  at_index: number;
  scope: 'from' | 'only';
  ed25519: string | null;
}

/** A ledger_governance_event row. */
export interface GovernanceEventRow {
  channel: string;
  height: string;
  seq: number;
  type: string;
  tx_index: number | null;
  event: unknown;
}

const BLOCK_COLUMNS =
  'channel, height, hash, prev_hash, tx_root, tx_count, first_offset, last_offset, time, config_changed, final, final_at, committed_at';
const TX_COLUMNS = 'channel, height, idx, tx_id, from_member, type, nonce, code, log_offset, bytes';
const BURNING_CODES: readonly ValidityCode[] = VALIDITY_CODES.filter(burnsNonce);

/**
 * Blocks, txs (the tx index) and the chain's configuration history. Writes
 * take the caller's transaction manager (the pipeline commits blocks and the
 * channel snapshot together); reads use the data source unless given one.
 */
@Injectable()
export class BlockRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts blocks with their txs, config versions, key changes and governance events (multi-row statements). */
  async insertBlocks(manager: EntityManager, blocks: readonly BlockToCommit[]): Promise<void> {
    const blockRows: unknown[][] = [];
    const txRows: unknown[][] = [];
    const configRows: unknown[][] = [];
    const keyRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    for (const { closed, records, configChanged } of blocks) {
      const { header, hash, txs } = closed.block;
      if (records.length !== txs.length) {
        throw new Error(
          `block ${header.channel}/${header.height} has ${txs.length} txs but ${records.length} records were given`,
        );
      }
      const { channel, height } = header;
      blockRows.push([
        channel,
        height,
        hash,
        header.prevHash,
        header.txRoot,
        header.txCount,
        header.firstOffset,
        header.lastOffset,
        header.time,
        configChanged,
      ]);
      txs.forEach((entry, idx) => {
        const body = 'envelope' in entry ? entry.envelope.body : null;
        const record = records[idx];
        txRows.push([
          channel,
          height,
          idx,
          closed.txIds[idx],
          body?.from ?? null,
          body?.type ?? null,
          body?.nonce ?? null,
          entry.code,
          record.offset,
          Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
        ]);
      });
      if (configChanged && closed.config !== null) configRows.push([channel, height, JSON.stringify(closed.config)]);
      closed.keyChanges.forEach((change, seq) => {
        keyRows.push([
          channel,
          height,
          seq,
          change.member,
          change.at.height,
          change.at.index,
          change.scope,
          change.ed25519,
        ]);
      });
      closed.events.forEach((event, seq) => {
        eventRows.push([channel, height, seq, event.type, event.index, JSON.stringify(event)]);
      });
    }
    await insertRows(
      manager,
      'ledger_block',
      [
        'channel',
        'height',
        'hash',
        'prev_hash',
        'tx_root',
        'tx_count',
        'first_offset',
        'last_offset',
        'time',
        'config_changed',
      ],
      blockRows,
    );
    await insertRows(manager, 'ledger_tx', TX_COLUMNS.split(', '), txRows);
    await insertRows(manager, 'ledger_config_version', ['channel', 'height', 'config'], configRows);
    await insertRows(
      manager,
      'ledger_key_change',
      ['channel', 'height', 'seq', 'member', 'at_height', 'at_index', 'scope', 'ed25519'],
      keyRows,
    );
    await insertRows(
      manager,
      'ledger_governance_event',
      ['channel', 'height', 'seq', 'type', 'tx_index', 'event'],
      eventRows,
    );
  }

  /** Stored block hashes for heights from..to (inclusive), in height order. */
  async hashes(
    channel: string,
    from: number,
    to: number,
    manager?: EntityManager,
  ): Promise<{ height: number; hash: string }[]> {
    const rows: Pick<BlockRow, 'height' | 'hash'>[] = await this.q(manager).query(
      'SELECT height, hash FROM ledger_block WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height',
      [channel, from, to],
    );
    return rows.map((r) => ({ height: toInt(r.height, 'ledger_block height'), hash: r.hash }));
  }

  async getHeader(channel: string, height: number): Promise<StoredBlockHeader | undefined> {
    const [header] = await this.listHeaders(channel, { fromHeight: height, limit: 1 });
    return header !== undefined && header.header.height === height ? header : undefined;
  }

  /** Headers from `fromHeight` up, in height order (paging: next page starts after the last height). */
  async listHeaders(
    channel: string,
    options: { readonly fromHeight: number; readonly limit: number; readonly toHeight?: number },
  ): Promise<StoredBlockHeader[]> {
    const rows: BlockRow[] = await this.dataSource.query(
      `SELECT ${BLOCK_COLUMNS} FROM ledger_block WHERE channel = $1 AND height >= $2 AND height <= $3 ORDER BY height LIMIT $4`,
      [channel, options.fromHeight, options.toHeight ?? Number.MAX_SAFE_INTEGER, options.limit],
    );
    return rows.map(toStoredHeader);
  }

  async getBlock(channel: string, height: number): Promise<StoredBlock | undefined> {
    const [block] = await this.getBlocks(channel, height, height);
    return block;
  }

  /** Complete blocks from..to (inclusive) in height order; missing heights are simply absent. */
  async getBlocks(channel: string, from: number, to: number, manager?: EntityManager): Promise<StoredBlock[]> {
    const q = this.q(manager);
    const blockRows: BlockRow[] = await q.query(
      `SELECT ${BLOCK_COLUMNS} FROM ledger_block WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height`,
      [channel, from, to],
    );
    if (blockRows.length === 0) return [];
    const txRows: TxRow[] = await q.query(
      `SELECT ${TX_COLUMNS} FROM ledger_tx WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height, idx`,
      [channel, from, to],
    );
    const byHeight = new Map<number, TxRow[]>();
    for (const row of txRows) {
      const h = toInt(row.height, 'ledger_tx height');
      let list = byHeight.get(h);
      if (list === undefined) byHeight.set(h, (list = []));
      list.push(row);
    }
    return blockRows.map((row) => {
      const stored = toStoredHeader(row);
      const rows = byHeight.get(stored.header.height) ?? [];
      const what = `ledger_tx ${channel}/${stored.header.height}`;
      return {
        ...stored,
        block: { header: stored.header, hash: stored.hash, txs: rows.map((r) => toTxEntry(r, `${what}/${r.idx}`)) },
        txIds: rows.map((r) => r.tx_id),
        txBytes: rows.map((r) => r.bytes),
      };
    });
  }

  /** The txs of one block in order, with leaf hashes (for proofs). */
  async txsOfBlock(channel: string, height: number): Promise<StoredTx[]> {
    const rows: TxRow[] = await this.dataSource.query(
      `SELECT ${TX_COLUMNS} FROM ledger_tx WHERE channel = $1 AND height = $2 ORDER BY idx`,
      [channel, height],
    );
    return rows.map(toStoredTx);
  }

  /** Every occurrence of a txId (a replay repeats it), in chain order; optionally in one channel. */
  async findTx(txId: string, channel?: string): Promise<StoredTx[]> {
    const rows: TxRow[] = await this.dataSource.query(
      `SELECT ${TX_COLUMNS} FROM ledger_tx WHERE tx_id = $1 ${channel === undefined ? '' : 'AND channel = $2'} ORDER BY channel, height, idx`,
      channel === undefined ? [txId] : [txId, channel],
    );
    return rows.map(toStoredTx);
  }

  /** A member's txs on a channel in chain order, from a position on (paging: pass the last one's position). */
  async txsOfMember(
    channel: string,
    member: string,
    options: { readonly after?: { readonly height: number; readonly index: number }; readonly limit: number },
  ): Promise<StoredTx[]> {
    const after = options.after ?? { height: -1, index: -1 };
    const rows: TxRow[] = await this.dataSource.query(
      `SELECT ${TX_COLUMNS} FROM ledger_tx WHERE channel = $1 AND from_member = $2 AND (height, idx) > ($3, $4)
       ORDER BY height, idx LIMIT $5`,
      [channel, member, after.height, after.index, options.limit],
    );
    return rows.map(toStoredTx);
  }

  /**
   * (from, nonce) pairs burned by the txs of blocks below `belowHeight`: the
   * preload of a BlockBuilder's NonceRegistry resuming at that height (later
   * blocks, if stored, are rebuilt and must not see their own nonces as used).
   */
  async burnedNonces(
    channel: string,
    belowHeight: number,
    manager?: EntityManager,
  ): Promise<{ from: string; nonce: number }[]> {
    const rows: (Pick<TxRow, 'from_member' | 'nonce'> & { from_member: string })[] = await this.q(manager).query(
      'SELECT from_member, nonce FROM ledger_tx WHERE channel = $1 AND height < $2 AND from_member IS NOT NULL AND code = ANY($3::text[])',
      [channel, belowHeight, BURNING_CODES],
    );
    return rows.map((r) => ({ from: r.from_member, nonce: toInt(r.nonce, 'ledger_tx nonce') }));
  }

  /** Key changes of blocks up to `toHeight` in chain order, for a KeyHistory. */
  async keyChanges(channel: string, toHeight = Number.MAX_SAFE_INTEGER): Promise<KeyChange[]> {
    const rows: KeyChangeRow[] = await this.dataSource.query(
      `SELECT channel, height, seq, member, at_height, at_index, scope, ed25519 FROM ledger_key_change
       WHERE channel = $1 AND height <= $2 ORDER BY height, seq`,
      [channel, toHeight],
    );
    return rows.map((r) => ({
      member: r.member,
      at: {
        height: toInt(r.at_height, 'ledger_key_change at_height'),
        index: toInt(r.at_index, 'ledger_key_change at_index'),
      },
      scope: r.scope,
      ed25519: r.ed25519,
    }));
  }

  /** The configuration in force after block `height` (null before the genesis block). */
  async configAt(channel: string, height: number): Promise<ChannelConfig | null> {
    const rows: Pick<ConfigVersionRow, 'config'>[] = await this.dataSource.query(
      'SELECT config FROM ledger_config_version WHERE channel = $1 AND height <= $2 ORDER BY height DESC LIMIT 1',
      [channel, height],
    );
    return rows.length === 0 ? null : (rows[0].config as ChannelConfig);
  }

  /** Every configuration version (the height whose block produced it), oldest first. */
  async configVersions(channel: string): Promise<{ height: number; config: ChannelConfig }[]> {
    const rows: ConfigVersionRow[] = await this.dataSource.query(
      'SELECT channel, height, config FROM ledger_config_version WHERE channel = $1 ORDER BY height',
      [channel],
    );
    return rows.map((r) => ({
      height: toInt(r.height, 'ledger_config_version height'),
      config: r.config as ChannelConfig,
    }));
  }

  /** Governance events from `fromHeight` on, in chain order. */
  async governanceEvents(
    channel: string,
    options: { readonly fromHeight?: number; readonly limit: number },
  ): Promise<GovernanceEvent[]> {
    const rows: Pick<GovernanceEventRow, 'event'>[] = await this.dataSource.query(
      'SELECT event FROM ledger_governance_event WHERE channel = $1 AND height >= $2 ORDER BY height, seq LIMIT $3',
      [channel, options.fromHeight ?? 0, options.limit],
    );
    return rows.map((r) => r.event as GovernanceEvent);
  }

  /** Marks blocks final (idempotent; the first time is kept). */
  async markFinal(channel: string, heights: readonly number[], manager?: EntityManager): Promise<void> {
    if (heights.length === 0) return;
    await this.q(manager).query(
      'UPDATE ledger_block SET final = true, final_at = coalesce(final_at, now()) WHERE channel = $1 AND height = ANY($2::bigint[]) AND NOT final',
      [channel, heights],
    );
  }

  private q(manager: EntityManager | undefined): EntityManager {
    return manager ?? this.dataSource.manager;
  }
}

function toStoredHeader(row: BlockRow): StoredBlockHeader {
  const what = `ledger_block ${row.channel}/${row.height}`;
  const header: BlockHeader = {
    v: 1,
    channel: row.channel,
    height: toInt(row.height, `${what} height`),
    prevHash: row.prev_hash,
    txRoot: row.tx_root,
    txCount: toInt(row.tx_count, `${what} tx_count`),
    firstOffset: toInt(row.first_offset, `${what} first_offset`),
    lastOffset: toInt(row.last_offset, `${what} last_offset`),
    time: toInt(row.time, `${what} time`),
  };
  return {
    header,
    hash: row.hash,
    configChanged: row.config_changed,
    final: row.final,
    finalAt: row.final_at,
    committedAt: row.committed_at,
  };
}

function toStoredTx(row: TxRow): StoredTx {
  const what = `ledger_tx ${row.channel}/${row.height}/${row.idx}`;
  if (!Buffer.isBuffer(row.bytes)) throw new CorruptRowError(`${what} bytes are not bytea`);
  return {
    channel: row.channel,
    height: toInt(row.height, `${what} height`),
    index: row.idx,
    txId: row.tx_id,
    from: row.from_member,
    type: row.type,
    nonce: row.nonce === null ? null : toInt(row.nonce, `${what} nonce`),
    code: toCode(row.code, `${what} code`),
    offset: toInt(row.log_offset, `${what} log_offset`),
    entry: toTxEntry(row, what),
    leafHash: toHex(storedLeafHash(row)),
  };
}
