import { Injectable } from '@nestjs/common';
import type { ProjectionTx } from './projection.tx';
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
  append(tx: ProjectionTx, entry: ProvenanceEntry): void {
    tx.insert(
      'catalog_provenance',
      ['channel', 'height', 'phase', 'tx_index', 'seq', 'dataset', 'kind', 'code', 'tx_id', 'actor', 'time', 'details'],
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
