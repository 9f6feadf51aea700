import { Injectable } from '@nestjs/common';
import type { Receipt } from '@accord/rules';
import { DataSource, type EntityManager } from 'typeorm';
import { insertRows } from '@accord/persistence';
import { parseJson, toInt } from './row.mapper';

/** A receipt as stored: where it sits and what it is about. */
export interface StoredReceipt {
  readonly channel: string;
  readonly height: number;
  /** Position among the block's receipts, from 0. */
  readonly seq: number;
  readonly txId: string | null;
  readonly subject: string | null;
  readonly receipt: Receipt;
}

/** The state digest after a height, and whether this department attests it. */
export interface StoredDigest {
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly time: number;
  readonly digest: string;
  /** This department was an active member after the block, so it attests (others would reject the attestation). */
  readonly attest: boolean;
  readonly txCount: number;
  readonly receiptCount: number;
}

export interface AppliedBlockRows {
  readonly digest: StoredDigest;
  readonly receipts: readonly StoredReceipt[];
}

// Rows as pg returns them (bigint as a string, JSON columns as text); the schema is the migration's.

/** A contracts_receipt row: every receipt of every applied block, in block order (`seq`). */
export interface ReceiptRow {
  channel: string;
  height: string;
  seq: number;
  tx_id: string | null;
  tx_index: number | null;
  kind: string;
  code: string;
  from_member: string | null;
  subject: string | null;
  body: string;
}

/** A contracts_digest row: the state digest after an applied block, what replay checks and attestations compare. */
export interface DigestRow {
  channel: string;
  height: string;
  block_hash: string;
  time: string;
  digest: string;
  attest: boolean;
  tx_count: number;
  receipt_count: number;
  applied_at: Date;
}

const RECEIPT_COLUMNS = 'channel, height, seq, tx_id, tx_index, kind, code, from_member, subject, body';
const DIGEST_COLUMNS = 'channel, height, block_hash, time, digest, attest, tx_count, receipt_count, applied_at';

/** contracts_receipt and contracts_digest: written with their block, read by the API and the publisher. */
@Injectable()
export class ReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertBlocks(manager: EntityManager, blocks: readonly AppliedBlockRows[]): Promise<void> {
    await insertRows(
      manager,
      'contracts_digest',
      ['channel', 'height', 'block_hash', 'time', 'digest', 'attest', 'tx_count', 'receipt_count'],
      blocks.map(({ digest: d }) => [
        d.channel,
        d.height,
        d.blockHash,
        d.time,
        d.digest,
        d.attest,
        d.txCount,
        d.receiptCount,
      ]),
    );
    await insertRows(
      manager,
      'contracts_receipt',
      ['channel', 'height', 'seq', 'tx_id', 'tx_index', 'kind', 'code', 'from_member', 'subject', 'body'],
      blocks.flatMap((b) =>
        b.receipts.map((r) => [
          r.channel,
          r.height,
          r.seq,
          r.txId,
          r.receipt.index,
          r.receipt.kind,
          r.receipt.code,
          r.receipt.from,
          r.subject,
          JSON.stringify(r.receipt),
        ]),
      ),
    );
  }

  /** The block hash recorded for a height (a redelivered event must carry the same one). */
  async blockHashAt(manager: EntityManager, channel: string, height: number): Promise<string | undefined> {
    const rows: Pick<DigestRow, 'block_hash'>[] = await manager.query(
      'SELECT block_hash FROM contracts_digest WHERE channel = $1 AND height = $2',
      [channel, height],
    );
    return rows[0]?.block_hash;
  }

  async digestAt(channel: string, height: number): Promise<StoredDigest | undefined> {
    const rows: DigestRow[] = await this.dataSource.query(
      `SELECT ${DIGEST_COLUMNS} FROM contracts_digest WHERE channel = $1 AND height = $2`,
      [channel, height],
    );
    return rows.length === 0 ? undefined : toDigest(rows[0]);
  }

  /** Digests of heights from..to (inclusive), ascending. */
  async digests(channel: string, from: number, to: number): Promise<StoredDigest[]> {
    const rows: DigestRow[] = await this.dataSource.query(
      `SELECT ${DIGEST_COLUMNS} FROM contracts_digest WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height`,
      [channel, from, to],
    );
    return rows.map(toDigest);
  }

  /** Receipts of heights from..to (inclusive) in chain order. */
  async receiptsBetween(channel: string, from: number, to: number): Promise<StoredReceipt[]> {
    const rows: ReceiptRow[] = await this.dataSource.query(
      `SELECT ${RECEIPT_COLUMNS} FROM contracts_receipt WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height, seq`,
      [channel, from, to],
    );
    return rows.map(toReceipt);
  }

  /** Every receipt a tx caused, over all channels, in chain order. */
  async receiptsOfTx(txId: string): Promise<StoredReceipt[]> {
    const rows: ReceiptRow[] = await this.dataSource.query(
      `SELECT ${RECEIPT_COLUMNS} FROM contracts_receipt WHERE tx_id = $1 ORDER BY channel, height, seq`,
      [txId],
    );
    return rows.map(toReceipt);
  }

  /** The history of a request (= its grant) or dataset: every receipt about it, in chain order. */
  async receiptsAbout(channel: string, subject: string): Promise<StoredReceipt[]> {
    const rows: ReceiptRow[] = await this.dataSource.query(
      `SELECT ${RECEIPT_COLUMNS} FROM contracts_receipt WHERE channel = $1 AND subject = $2 ORDER BY height, seq`,
      [channel, subject],
    );
    return rows.map(toReceipt);
  }
}

function toReceipt(row: ReceiptRow): StoredReceipt {
  const what = `contracts_receipt ${row.channel}/${row.height}/${row.seq}`;
  return {
    channel: row.channel,
    height: toInt(row.height, `${what} height`),
    seq: row.seq,
    txId: row.tx_id,
    subject: row.subject,
    receipt: parseJson(row.body, what) as Receipt,
  };
}

function toDigest(row: DigestRow): StoredDigest {
  const what = `contracts_digest ${row.channel}/${row.height}`;
  return {
    channel: row.channel,
    height: toInt(row.height, `${what} height`),
    blockHash: row.block_hash,
    time: toInt(row.time, `${what} time`),
    digest: row.digest,
    attest: row.attest,
    txCount: row.tx_count,
    receiptCount: row.receipt_count,
  };
}
