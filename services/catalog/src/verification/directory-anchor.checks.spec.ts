import { versionMismatches, type AnchoredTx, type StoredVersionRow } from './directory-anchor.checks';

const HASH = 'a'.repeat(64);
const NEXT = 'b'.repeat(64);
const TX1 = '1'.repeat(64);
const TX2 = '2'.repeat(64);

const registration: AnchoredTx = {
  code: 'valid',
  body: { channel: 'alliance', type: 'dataset.register', from: 'health', payload: { name: 'beds', contentHash: HASH } },
};
const update: AnchoredTx = {
  code: 'valid',
  body: {
    channel: 'alliance',
    type: 'dataset.update',
    from: 'health',
    payload: { dataset: 'health/beds', version: 2, contentHash: NEXT },
  },
};

/** Version `version` of health/beds as a faithful projection stores it (current version 2). */
function row(version: 1 | 2, changes: Partial<StoredVersionRow> = {}): StoredVersionRow {
  return {
    id: 'health/beds',
    owner: 'health',
    name: 'beds',
    currentVersion: 2,
    currentHash: NEXT,
    registeredTx: TX1,
    registeredHeight: 3,
    version,
    txId: version === 1 ? TX1 : TX2,
    height: version === 1 ? 3 : 5,
    contentHash: version === 1 ? HASH : NEXT,
    ...changes,
  };
}

describe('versionMismatches', () => {
  it('finds nothing in rows that say what their txs say', () => {
    expect(versionMismatches('alliance', row(1), registration)).toEqual([]);
    expect(versionMismatches('alliance', row(2), update)).toEqual([]);
  });

  it('names each altered column with the stored and the anchored value', () => {
    expect(versionMismatches('alliance', row(1, { owner: 'police' }), registration)).toEqual([
      {
        dataset: 'health/beds',
        version: 1,
        field: 'catalog_dataset.owner',
        stored: 'police',
        anchored: 'health',
        txId: TX1,
      },
    ]);
    expect(versionMismatches('alliance', row(2, { currentHash: HASH }), update)).toEqual([
      expect.objectContaining({ field: 'catalog_dataset.content_hash', stored: HASH, anchored: NEXT }),
    ]);
    expect(
      versionMismatches('alliance', row(1, { contentHash: NEXT, registeredTx: TX2 }), registration).map((m) => m.field),
    ).toEqual(['catalog_dataset.registered_tx', 'catalog_dataset_version.content_hash']);
    expect(versionMismatches('alliance', row(2, { version: 2, owner: 'police' }), update).map((m) => m.field)).toEqual([
      'catalog_dataset.owner',
    ]);
  });

  it('reports a version whose tx is not in the block at its height, or was committed invalid', () => {
    expect(versionMismatches('alliance', row(1), undefined)).toEqual([
      expect.objectContaining({ field: 'catalog_dataset_version.tx_id', stored: TX1, anchored: null }),
    ]);
    expect(versionMismatches('alliance', row(1), { ...registration, code: 'bad_signature' })).toEqual([
      expect.objectContaining({ field: 'ledger.code', stored: 'valid', anchored: 'bad_signature' }),
    ]);
    expect(versionMismatches('alliance', row(1), update).map((m) => m.field)).toContain('ledger.type');
  });
});
