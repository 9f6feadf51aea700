import { Inject, Injectable } from '@nestjs/common';
import { computeTxId, type Block } from '@accord/protocol';
import { ChannelNotFoundError, LedgerUnavailableError, ServiceLogger, type LedgerClient } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { CATALOG_LEDGER } from '../ledger/catalog-ledger.provider';
import {
  versionMismatches,
  type AnchoredTx,
  type AnchorMismatch,
  type StoredVersionRow,
} from './directory-anchor.checks';
import { VerificationMetrics } from './verification.metrics';

/** The verdict of `POST /v1/channels/:channel/verify` (docs/catalog.md "Verifying the directory"). */
export interface DirectoryVerification {
  readonly ok: boolean;
  readonly channel: string;
  /** Datasets and versions compared with the chain. */
  readonly datasets: number;
  readonly versions: number;
  /** `catalog_row_mismatch` when a stored row does not say what its committed tx says. */
  readonly code: 'catalog_row_mismatch' | null;
  readonly mismatches: readonly AnchorMismatch[];
}

interface VersionRowSql {
  id: string;
  owner: string;
  name: string;
  current_version: number;
  current_hash: string;
  registered_tx: string;
  registered_height: string;
  version: number | null;
  tx_id: string | null;
  height: string | null;
  content_hash: string | null;
}

/**
 * Re-derives what the directory of a channel must say from the ledger: each
 * stored version of each dataset is compared with the committed tx it names
 * in this department's ledger (the block at the version's height), so a row
 * altered in the catalog's database is reported with the column, the stored
 * and the anchored value. The catalog holds nothing authoritative; the fix
 * is a rebuild (docs/catalog.md "Rebuildable").
 */
@Injectable()
export class DirectoryVerificationService {
  private readonly log: ServiceLogger;

  constructor(
    private readonly db: DataSource,
    @Inject(CATALOG_LEDGER) private readonly ledger: LedgerClient | null,
    private readonly metrics: VerificationMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('catalog-verify');
  }

  async verify(channel: string): Promise<DirectoryVerification> {
    const ledger = this.ledger;
    if (ledger === null) {
      throw new LedgerUnavailableError('the directory is verified against the ledger: set ACCORD_LEDGER_URL', {
        channel,
      });
    }
    const followed: unknown[] = await this.db.query('SELECT 1 FROM catalog_channel WHERE channel = $1', [channel]);
    if (followed.length === 0) throw new ChannelNotFoundError(channel);
    const rows = await this.rows(channel);
    const blocks = new Map<number, Promise<Block>>();
    const blockAt = (height: number): Promise<Block> => {
      let block = blocks.get(height);
      if (block === undefined) blocks.set(height, (block = ledger.block(channel, height)));
      return block;
    };
    const mismatches: AnchorMismatch[] = [];
    const datasets = new Set<string>();
    let versions = 0;
    for (const row of rows) {
      datasets.add(row.id);
      if (row.version === null || row.tx_id === null || row.height === null || row.content_hash === null) {
        mismatches.push({
          dataset: row.id,
          version: row.current_version,
          field: 'catalog_dataset_version',
          stored: null,
          anchored: row.registered_tx,
          txId: row.registered_tx,
        });
        continue;
      }
      versions += 1;
      const stored: StoredVersionRow = {
        id: row.id,
        owner: row.owner,
        name: row.name,
        currentVersion: row.current_version,
        currentHash: row.current_hash,
        registeredTx: row.registered_tx,
        registeredHeight: Number(row.registered_height),
        version: row.version,
        txId: row.tx_id,
        height: Number(row.height),
        contentHash: row.content_hash,
      };
      mismatches.push(...versionMismatches(channel, stored, anchoredTx(await blockAt(stored.height), stored.txId)));
    }
    for (const mismatch of mismatches) {
      this.metrics.mismatches.add(1, { channel, field: mismatch.field });
      this.log.error('catalog row does not match the chain', { channel, ...mismatch });
    }
    return {
      ok: mismatches.length === 0,
      channel,
      datasets: datasets.size,
      versions,
      code: mismatches.length === 0 ? null : 'catalog_row_mismatch',
      mismatches,
    };
  }

  private rows(channel: string): Promise<VersionRowSql[]> {
    return this.db.query(
      `SELECT d.id, d.owner, d.name, d.version AS current_version, d.content_hash AS current_hash,
              d.registered_tx, d.registered_height, v.version, v.tx_id, v.height, v.content_hash
         FROM catalog_dataset d LEFT JOIN catalog_dataset_version v ON v.dataset = d.id
        WHERE d.channel = $1
        ORDER BY d.id, v.version`,
      [channel],
    );
  }
}

/** The tx of `txId` in a block, with its validity code; undefined when the block holds none. */
function anchoredTx(block: Block, txId: string): AnchoredTx | undefined {
  for (const entry of block.txs) {
    if (!('envelope' in entry)) continue;
    if (computeTxId(entry.envelope.body) === txId) return { code: entry.code, body: entry.envelope.body };
  }
  return undefined;
}
