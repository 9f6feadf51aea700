import { Injectable } from '@nestjs/common';
import { degreeUnits, type DatasetMetadata, type DatasetRecord } from '@accord/rules';
import type { ProjectionTx } from './projection.tx';
import { storedJson, storedText } from './stored-text';

/** Every change the search index reads takes a new revision (inserts get theirs by default). */
const NEXT_REVISION = "revision = nextval('catalog_dataset_revision')";

/** Where a registration or update was committed. */
export interface VersionStamp {
  readonly txId: string;
  readonly height: number;
  readonly time: number;
}

/** The columns of catalog_dataset a version sets, from the rules' record and the tx's DCAT-AP metadata. */
function versionColumns(record: DatasetRecord, metadata: DatasetMetadata) {
  const keywords = metadata.keywords ?? [];
  const formats = [...new Set((metadata.distributions ?? []).map((d) => d.format))].sort();
  return {
    title: storedText(record.title),
    description: storedText(record.description ?? ''),
    keywords,
    keywords_text: keywords.join(' '),
    themes: [...(metadata.themes ?? [])].sort(),
    publisher: storedText(metadata.publisher ?? record.owner),
    volume_bytes: record.volumeBytes,
    update_frequency: record.updateFrequency,
    content_hash: record.contentHash,
    version: record.version,
    subject_class: metadata.subjectClass ?? null,
    languages: metadata.languages ?? [],
    formats,
    bbox_west: metadata.spatial === undefined ? null : degreeUnits(metadata.spatial.west),
    bbox_south: metadata.spatial === undefined ? null : degreeUnits(metadata.spatial.south),
    bbox_east: metadata.spatial === undefined ? null : degreeUnits(metadata.spatial.east),
    bbox_north: metadata.spatial === undefined ? null : degreeUnits(metadata.spatial.north),
    temporal_start: metadata.temporal?.start ?? null,
    temporal_end: metadata.temporal?.end ?? null,
    metadata: storedJson(metadata),
    policy: storedJson(record.policy),
    terms: storedJson(record.terms),
  };
}

/** catalog_dataset and catalog_dataset_version: the directory as the rules' receipts and the txs' metadata make it. */
@Injectable()
export class DatasetRowsWriter {
  registered(
    tx: ProjectionTx,
    channel: string,
    record: DatasetRecord,
    metadata: DatasetMetadata,
    at: VersionStamp,
  ): void {
    const columns = {
      id: record.id,
      channel,
      owner: record.owner,
      name: record.name,
      status: 'active',
      domain: record.domain,
      data_type: record.dataType,
      sensitivity: record.sensitivity,
      subject_key: record.subjectKey,
      governance: record.governance,
      registered_height: at.height,
      registered_time: at.time,
      registered_tx: at.txId,
      updated_height: at.height,
      updated_time: at.time,
      ...versionColumns(record, metadata),
    };
    tx.insert('catalog_dataset', Object.keys(columns), Object.values(columns));
    this.version(tx, record, metadata, at);
  }

  async updated(tx: ProjectionTx, record: DatasetRecord, metadata: DatasetMetadata, at: VersionStamp): Promise<void> {
    const columns = { ...versionColumns(record, metadata), updated_height: at.height, updated_time: at.time };
    const names = Object.keys(columns);
    await tx.query(
      `UPDATE catalog_dataset SET ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')}, ${NEXT_REVISION} WHERE id = $1`,
      [record.id, ...Object.values(columns)],
    );
    this.version(tx, record, metadata, at);
  }

  async deprecated(tx: ProjectionTx, dataset: string, time: number): Promise<void> {
    await tx.query(
      `UPDATE catalog_dataset SET status = 'deprecated', deprecated_time = $2, ${NEXT_REVISION} WHERE id = $1`,
      [dataset, time],
    );
  }

  async used(tx: ProjectionTx, dataset: string): Promise<void> {
    await tx.query('UPDATE catalog_dataset SET accesses = accesses + 1 WHERE id = $1', [dataset]);
  }

  /** The metadata of the dataset's current version (an update without metadata keeps it). */
  async currentMetadata(tx: ProjectionTx, dataset: string): Promise<DatasetMetadata> {
    const [row] = await tx.query<{ metadata: string }>('SELECT metadata FROM catalog_dataset WHERE id = $1', [dataset]);
    return row === undefined ? {} : (JSON.parse(row.metadata) as DatasetMetadata);
  }

  private version(tx: ProjectionTx, record: DatasetRecord, metadata: DatasetMetadata, at: VersionStamp): void {
    tx.insert(
      'catalog_dataset_version',
      ['dataset', 'version', 'tx_id', 'height', 'time', 'content_hash', 'record', 'metadata'],
      [
        record.id,
        record.version,
        at.txId,
        at.height,
        at.time,
        record.contentHash,
        storedJson(record),
        storedJson(metadata),
      ],
    );
  }
}
