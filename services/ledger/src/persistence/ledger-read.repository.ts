import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BlockRow, TxRow } from './block.repository';
import { toInt } from './row.mapper';

/**
 * Read-side lookups of the query, submission and attestation use cases that
 * BlockRepository does not cover: batched tx-index probes for long-polls
 * and finality bookkeeping.
 */
@Injectable()
export class LedgerReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The signatures of the committed envelopes with these txIds, by txId
   * (one query for many long-poll waiters; a txId absent from the map is in
   * no committed block).
   */
  async committedSignatures(txIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const found = new Map<string, Set<string>>();
    if (txIds.length === 0) return found;
    // tx_id is set only for records that parsed as envelopes, so bytes are their canonical JSON.
    const rows: (Pick<TxRow, 'tx_id'> & { tx_id: string; sig: string })[] = await this.dataSource.query(
      "SELECT tx_id, convert_from(bytes, 'UTF8')::jsonb ->> 'sig' AS sig FROM ledger_tx WHERE tx_id = ANY($1::text[])",
      [txIds],
    );
    for (const row of rows) {
      let sigs = found.get(row.tx_id);
      if (sigs === undefined) found.set(row.tx_id, (sigs = new Set()));
      sigs.add(row.sig);
    }
    return found;
  }

  /** Height of the highest final block of a channel, or null. */
  async finalHeight(channel: string): Promise<number | null> {
    const rows: { h: string | null }[] = await this.dataSource.query(
      'SELECT max(height) AS h FROM ledger_block WHERE channel = $1 AND final',
      [channel],
    );
    return rows[0]?.h === null || rows[0]?.h === undefined ? null : toInt(rows[0].h, 'ledger_block max final height');
  }

  /**
   * The newest committed blocks that are not final yet but have
   * attestations stored: finality is re-evaluated for them at start, in
   * case the last run stopped between storing and evaluating.
   */
  async nonFinalAttestedHeights(channel: string, limit: number): Promise<number[]> {
    const rows: Pick<BlockRow, 'height'>[] = await this.dataSource.query(
      `SELECT b.height FROM ledger_block b
        WHERE b.channel = $1 AND NOT b.final
          AND EXISTS (SELECT 1 FROM ledger_attestation a WHERE a.channel = b.channel AND a.height = b.height)
        ORDER BY b.height DESC LIMIT $2`,
      [channel, limit],
    );
    return rows.map((r) => toInt(r.height, 'ledger_block height'));
  }

  /** Heights from..to whose blocks are committed, with their tx counts (to cut audit pages by size). */
  async txCounts(
    channel: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<{ height: number; txCount: number }[]> {
    const rows: Pick<BlockRow, 'height' | 'tx_count'>[] = await this.dataSource.query(
      'SELECT height, tx_count FROM ledger_block WHERE channel = $1 AND height BETWEEN $2 AND $3 ORDER BY height LIMIT $4',
      [channel, from, to, limit],
    );
    return rows.map((r) => ({
      height: toInt(r.height, 'ledger_block height'),
      txCount: toInt(r.tx_count, 'ledger_block tx_count'),
    }));
  }
}
