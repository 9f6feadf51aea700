import { Injectable } from '@nestjs/common';
import {
  datasetOwner,
  STORAGE_ANCHOR,
  STORAGE_ERASE,
  STORAGE_TX_SCHEMAS,
  STRONG_KEY_SHARE,
  STRONG_RECORD,
  type StorageAnchorPayload,
  type StorageErasePayload,
  type StorageTxType,
  type StrongKeySharePayload,
  type StrongRecordPayload,
} from '@accord/data-plane';
import type { EntityManager } from 'typeorm';
import type { GatewayChange } from './gateway-changes';

/** One valid storage tx of a block, with where it is. */
export interface CommittedStorageTx {
  readonly channel: string;
  readonly height: number;
  readonly index: number;
  readonly time: number;
  readonly txId: string;
  readonly type: StorageTxType;
  readonly from: string;
  readonly payload: unknown;
}

export type StorageTxOutcome =
  | { readonly applied: true; readonly change: GatewayChange | null }
  | { readonly applied: false; readonly reason: string };

/**
 * Applies the gateway's txs (docs/storage-gateway.md "Transactions") to the
 * projected tables, inside the blocks projection's transaction. A tx whose
 * payload does not parse, or that its signer may not send (only a
 * dataset's owner anchors, publishes records, shares keys and erases), is
 * committed on the chain but has no effect here: it is reported, not applied.
 */
@Injectable()
export class StorageTxProjector {
  async apply(manager: EntityManager, tx: CommittedStorageTx): Promise<StorageTxOutcome> {
    const parsed = STORAGE_TX_SCHEMAS[tx.type].safeParse(tx.payload);
    if (!parsed.success) return { applied: false, reason: `payload: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const payload = parsed.data;
    if (datasetOwner(payload.dataset) !== tx.from)
      return { applied: false, reason: `${tx.from} does not own dataset ${payload.dataset}` };
    switch (tx.type) {
      case STORAGE_ANCHOR:
        return this.anchor(manager, tx, payload as StorageAnchorPayload);
      case STRONG_RECORD:
        return this.record(manager, tx, payload as StrongRecordPayload);
      case STRONG_KEY_SHARE:
        return this.keyShare(manager, tx, payload as StrongKeySharePayload);
      case STORAGE_ERASE:
        return this.erase(manager, tx, payload as StorageErasePayload);
    }
  }

  private async anchor(
    manager: EntityManager,
    tx: CommittedStorageTx,
    p: StorageAnchorPayload,
  ): Promise<StorageTxOutcome> {
    await manager.query(
      `INSERT INTO gateway_anchor (tx_id, channel, dataset, owner, version, size_bytes, media_type, sha256, chunk_size,
         chunk_root, height, tx_index, time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (tx_id) DO NOTHING`,
      [
        tx.txId,
        tx.channel,
        p.dataset,
        tx.from,
        p.version,
        p.sizeBytes,
        p.mediaType,
        p.sha256,
        p.chunkSize,
        p.chunkRoot,
        tx.height,
        tx.index,
        tx.time,
      ],
    );
    // Our own upload becomes available once its anchor is committed (and only if it matches what we stored).
    await manager.query(
      `UPDATE gateway_object SET status = 'available'
       WHERE anchor_tx_id = $1 AND status = 'anchoring' AND sha256 = $2 AND chunk_root = $3 AND size_bytes = $4`,
      [tx.txId, p.sha256, p.chunkRoot, p.sizeBytes],
    );
    return { applied: true, change: { kind: 'anchored', txId: tx.txId, channel: tx.channel, dataset: p.dataset } };
  }

  private async record(
    manager: EntityManager,
    tx: CommittedStorageTx,
    p: StrongRecordPayload,
  ): Promise<StorageTxOutcome> {
    // Our own records were written (with their wrapped data key) when published: only their place is filled in.
    await manager.query(
      `INSERT INTO gateway_record (tx_id, channel, dataset, owner, record, media_type, iv, ciphertext, height, tx_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (tx_id) DO UPDATE SET height = EXCLUDED.height, tx_index = EXCLUDED.tx_index`,
      [tx.txId, tx.channel, p.dataset, tx.from, p.record, p.mediaType, p.iv, p.ciphertext, tx.height, tx.index],
    );
    return {
      applied: true,
      change: { kind: 'record-committed', txId: tx.txId, channel: tx.channel, dataset: p.dataset },
    };
  }

  private async keyShare(
    manager: EntityManager,
    tx: CommittedStorageTx,
    p: StrongKeySharePayload,
  ): Promise<StorageTxOutcome> {
    for (const key of p.keys)
      await manager.query(
        `INSERT INTO gateway_key_share (grant_id, record_tx_id, channel, recipient, wrapped_key, share_tx_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (grant_id, record_tx_id) DO NOTHING`,
        [p.grant, key.record, tx.channel, p.recipient, JSON.stringify(key.wrappedKey), tx.txId],
      );
    return { applied: true, change: null };
  }

  private async erase(
    manager: EntityManager,
    tx: CommittedStorageTx,
    p: StorageErasePayload,
  ): Promise<StorageTxOutcome> {
    if (p.target === 'object') {
      await manager.query('UPDATE gateway_anchor SET erased_by = $2 WHERE tx_id = $1 AND erased_by IS NULL', [
        p.tx,
        tx.txId,
      ]);
      // Every copy of the data key this gateway holds goes: the owner's object and any verified copy of it.
      await manager.query(
        `UPDATE gateway_object SET wrapped_key = NULL, status = 'erased', erased_at = $2 WHERE anchor_tx_id = $1`,
        [p.tx, tx.time],
      );
    } else {
      await manager.query('UPDATE gateway_record SET wrapped_key = NULL, erased_by = $2 WHERE tx_id = $1', [
        p.tx,
        tx.txId,
      ]);
      await manager.query('UPDATE gateway_key_share SET wrapped_key = NULL WHERE record_tx_id = $1', [p.tx]);
    }
    return { applied: true, change: { kind: 'erased', target: p.target, tx: p.tx, channel: tx.channel } };
  }
}
