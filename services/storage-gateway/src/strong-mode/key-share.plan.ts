/** Keys of strong.keyshare txs: at most this many data keys in one tx (the payload schema's limit). */
export const MAX_KEYS_PER_SHARE_TX = 64;

/** A record key a live grant of ours still lacks: the grant, its requester and the record. */
export interface MissingShare {
  readonly channel: string;
  readonly dataset: string;
  readonly grantId: string;
  readonly requester: string;
  readonly recordTxId: string;
  /** The record's data key, wrapped by our KEK. */
  readonly wrappedKey: string;
}

/** One strong.keyshare tx to publish: keys of records of one dataset for one grant. */
export interface KeyShareBatch {
  readonly channel: string;
  readonly dataset: string;
  readonly grantId: string;
  readonly requester: string;
  readonly shares: readonly MissingShare[];
}

/** The in-flight key of a share: one grant, one record. */
export function shareKey(share: Pick<MissingShare, 'grantId' | 'recordTxId'>): string {
  return `${share.grantId}:${share.recordTxId}`;
}

/**
 * Groups missing shares into strong.keyshare txs: one grant per tx (the
 * payload names one grant and recipient), at most `maxPerTx` keys each, in
 * the order the shares came (the records' chain order). Pure.
 */
export function planKeyShares(
  missing: readonly MissingShare[],
  maxPerTx: number = MAX_KEYS_PER_SHARE_TX,
): KeyShareBatch[] {
  const byGrant = new Map<string, MissingShare[]>();
  for (const share of missing) {
    const list = byGrant.get(share.grantId);
    if (list === undefined) byGrant.set(share.grantId, [share]);
    else list.push(share);
  }
  const batches: KeyShareBatch[] = [];
  for (const shares of byGrant.values()) {
    const { channel, dataset, grantId, requester } = shares[0] as MissingShare;
    for (let i = 0; i < shares.length; i += maxPerTx)
      batches.push({ channel, dataset, grantId, requester, shares: shares.slice(i, i + maxPerTx) });
  }
  return batches;
}
