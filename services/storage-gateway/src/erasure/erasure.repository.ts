import { Injectable } from '@nestjs/common';
import { withTransaction } from '@accord/persistence';
import { DataSource } from 'typeorm';

export type ErasureTarget = 'object' | 'record';

/** What is to be erased, as this gateway knows it. */
export interface KnownTarget {
  readonly dataset: string;
  readonly owner: string;
  /** The storage.erase tx that erased it already (projected, or recorded by our own erasure), else null. */
  readonly erasedBy: string | null;
}

/** What destroying the keys did: the objects whose stored bytes are to go, and how many keys were destroyed. */
export interface DestroyedKeys {
  readonly objectIds: readonly string[];
  readonly keys: number;
}

/**
 * The rows erasure reads and changes (docs/storage-gateway-strong-mode.md
 * "Erasure"): the anchor or record named, and every copy of the data key
 * this gateway holds (gateway_object, gateway_record and its pending row,
 * gateway_key_share).
 */
@Injectable()
export class ErasureRepository {
  constructor(private readonly db: DataSource) {}

  async target(channel: string, target: ErasureTarget, tx: string): Promise<KnownTarget | undefined> {
    const rows: { dataset: string; owner: string; erased_by: string | null }[] =
      target === 'object'
        ? await this.db.query(
            'SELECT dataset, owner, erased_by FROM gateway_anchor WHERE tx_id = $1 AND channel = $2',
            [tx, channel],
          )
        : await this.db.query(
            "SELECT dataset, owner, erased_by FROM gateway_record WHERE tx_id = $1 AND channel = $2 AND tx_id NOT LIKE 'pending:%'",
            [tx, channel],
          );
    const row = rows[0];
    return row === undefined ? undefined : { dataset: row.dataset, owner: row.owner, erasedBy: row.erased_by };
  }

  /** Destroys every copy of the target's data key held here, in one transaction. */
  async destroyKeys(target: ErasureTarget, tx: string, now: number): Promise<DestroyedKeys> {
    return withTransaction(this.db, async (manager) => {
      if (target === 'object') {
        const objects: { object_id: string; wrapped_key: string | null }[] = await manager.query(
          'SELECT object_id, wrapped_key FROM gateway_object WHERE anchor_tx_id = $1 ORDER BY object_id FOR UPDATE',
          [tx],
        );
        await manager.query(
          `UPDATE gateway_object SET wrapped_key = NULL, status = 'erased', erased_at = COALESCE(erased_at, $2)
           WHERE anchor_tx_id = $1`,
          [tx, now],
        );
        return {
          objectIds: objects.map((o) => o.object_id),
          keys: objects.filter((o) => o.wrapped_key !== null).length,
        };
      }
      const records: { wrapped_key: string | null }[] = await manager.query(
        `SELECT wrapped_key FROM gateway_record WHERE tx_id = $1
         UNION ALL
         SELECT p.wrapped_key FROM gateway_record r JOIN gateway_record p
           ON p.tx_id = 'pending:' || r.iv AND p.channel = r.channel AND p.dataset = r.dataset AND p.ciphertext = r.ciphertext
         WHERE r.tx_id = $1`,
        [tx],
      );
      // The pending row of the record (left by a crash between publish and keep) holds a copy of its key too.
      await manager.query(
        `DELETE FROM gateway_record p USING gateway_record r
         WHERE r.tx_id = $1 AND p.tx_id = 'pending:' || r.iv AND p.channel = r.channel AND p.dataset = r.dataset
           AND p.ciphertext = r.ciphertext`,
        [tx],
      );
      await manager.query('UPDATE gateway_record SET wrapped_key = NULL WHERE tx_id = $1', [tx]);
      // Our copies of the grantees' shares: only they can open them, but nothing of the key is to stay here.
      await manager.query('UPDATE gateway_key_share SET wrapped_key = NULL WHERE record_tx_id = $1', [tx]);
      return { objectIds: [], keys: records.filter((r) => r.wrapped_key !== null).length };
    });
  }

  /** Records the erase tx on the target's row (the projection writes the same when the tx is committed). */
  async markErased(target: ErasureTarget, tx: string, eraseTxId: string): Promise<void> {
    await this.db.query(
      target === 'object'
        ? 'UPDATE gateway_anchor SET erased_by = $2 WHERE tx_id = $1 AND erased_by IS NULL'
        : 'UPDATE gateway_record SET erased_by = $2 WHERE tx_id = $1 AND erased_by IS NULL',
      [tx, eraseTxId],
    );
  }

  /** Erased objects whose ciphertext is still (partly) in the object store: what the clean-up removes. */
  async erasedWithStoredPieces(): Promise<string[]> {
    const rows: { object_id: string }[] = await this.db.query(
      `SELECT o.object_id FROM gateway_object o
       WHERE o.status = 'erased' AND EXISTS (SELECT 1 FROM gateway_object_piece p WHERE p.object_id = o.object_id)
       ORDER BY o.object_id`,
    );
    return rows.map((r) => r.object_id);
  }
}
