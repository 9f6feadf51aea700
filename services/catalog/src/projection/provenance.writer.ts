import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { storedJson } from './stored-text';

/** Where an entry sits in its block: effects of time come before the txs, membership effects after them. */
export const PHASE = { beforeTxs: 0, tx: 1, afterTxs: 2 } as const;

/** One entry of a dataset's provenance trail (catalog_provenance). */
export interface ProvenanceEntry {
  readonly channel: string;
  readonly height: number;
  readonly phase: (typeof PHASE)[keyof typeof PHASE];
  /** Position of the causing tx in its block; -1 for effects without a tx. */
  readonly txIndex: number;
  /** Position among the entries of that tx or effect (a receipt's seq, 0 for a catalog tx). */
  readonly seq: number;
  readonly dataset: string;
  readonly kind: string;
  readonly code: string;
  readonly txId: string | null;
  readonly actor: string | null;
  readonly time: number;
  readonly details: unknown;
}

/** Appends provenance entries; a redelivered entry (same position) is written once. */
@Injectable()
export class ProvenanceWriter {
  async append(manager: EntityManager, entry: ProvenanceEntry): Promise<void> {
    await manager.query(
      `INSERT INTO catalog_provenance (channel, height, phase, tx_index, seq, dataset, kind, code, tx_id, actor, time, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT DO NOTHING`,
      [
        entry.channel,
        entry.height,
        entry.phase,
        entry.txIndex,
        entry.seq,
        entry.dataset,
        entry.kind,
        entry.code,
        entry.txId,
        entry.actor,
        entry.time,
        storedJson(entry.details),
      ],
    );
  }
}
