import { datasetId } from '@accord/rules';

/** One version of a dataset as the directory stores it (catalog_dataset joined with catalog_dataset_version). */
export interface StoredVersionRow {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  /** catalog_dataset.version: the current version. */
  readonly currentVersion: number;
  /** catalog_dataset.content_hash: the current version's hash. */
  readonly currentHash: string;
  readonly registeredTx: string;
  readonly registeredHeight: number;
  /** catalog_dataset_version: this version, the tx that made it and where. */
  readonly version: number;
  readonly txId: string;
  readonly height: number;
  readonly contentHash: string;
}

/** The committed tx a version row names, as the ledger's block at the row's height holds it. */
export interface AnchoredTx {
  readonly code: string;
  readonly body: {
    readonly channel: string;
    readonly type: string;
    readonly from: string;
    readonly payload: Readonly<Record<string, unknown>>;
  };
}

/** A stored column that does not say what the committed tx says. */
export interface AnchorMismatch {
  readonly dataset: string;
  readonly version: number;
  /** `table.column` of the stored value. */
  readonly field: string;
  readonly stored: string | number | null;
  readonly anchored: string | number | null;
  readonly txId: string;
}

/**
 * Compares one stored version of a dataset with the tx it names: the
 * directory is a projection of the chain, so every identity column (id,
 * owner, name, the registration tx and height) and every content hash must
 * be what the committed, valid registration or update says. `tx` undefined:
 * the block at the row's height holds no tx of that id.
 */
export function versionMismatches(
  channel: string,
  row: StoredVersionRow,
  tx: AnchoredTx | undefined,
): AnchorMismatch[] {
  const found: AnchorMismatch[] = [];
  const differ = (field: string, stored: string | number | null, anchored: unknown): void => {
    const value = typeof anchored === 'string' || typeof anchored === 'number' ? anchored : null;
    if (stored !== value)
      found.push({ dataset: row.id, version: row.version, field, stored, anchored: value, txId: row.txId });
  };
  if (tx === undefined) {
    differ('catalog_dataset_version.tx_id', row.txId, null);
    return found;
  }
  const { body } = tx;
  const payload = body.payload;
  differ('ledger.code', 'valid', tx.code);
  differ('catalog_dataset.channel', channel, body.channel);
  if (row.version === 1) {
    differ('ledger.type', 'dataset.register', body.type);
    const name = typeof payload['name'] === 'string' ? payload['name'] : '';
    differ('catalog_dataset.id', row.id, datasetId(body.from, name));
    differ('catalog_dataset.owner', row.owner, body.from);
    differ('catalog_dataset.name', row.name, name);
    differ('catalog_dataset.registered_tx', row.registeredTx, row.txId);
    differ('catalog_dataset.registered_height', row.registeredHeight, row.height);
  } else {
    differ('ledger.type', 'dataset.update', body.type);
    differ('catalog_dataset.id', row.id, payload['dataset']);
    differ('catalog_dataset.owner', row.owner, body.from);
    differ('catalog_dataset_version.version', row.version, payload['version']);
  }
  differ('catalog_dataset_version.content_hash', row.contentHash, payload['contentHash']);
  if (row.version === row.currentVersion)
    differ('catalog_dataset.content_hash', row.currentHash, payload['contentHash']);
  return found;
}
