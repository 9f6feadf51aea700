import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DcatDatasetSource } from './dcat-catalog.builder';

/** A catalog_dataset row as the export reads it: the builder's source with metadata and policy still JSON text. */
export type DatasetExportRow = Omit<DcatDatasetSource, 'metadata' | 'policy'> & {
  readonly metadata: string;
  readonly policy: string;
};

export interface ChannelExportRow {
  readonly channel: string;
  /** Block time of the last applied block; null before any. */
  readonly blockTime: number | null;
}

type Raw = Record<string, unknown>;
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Reads of catalog_channel, catalog_dataset and catalog_authority for the DCAT-AP export. */
@Injectable()
export class ExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async channel(channel: string): Promise<ChannelExportRow | null> {
    const rows: Raw[] = await this.dataSource.query(
      'SELECT channel, block_height, block_time FROM catalog_channel WHERE channel = $1',
      [channel],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return { channel, blockTime: Number(row['block_height']) < 0 ? null : Number(row['block_time']) };
  }

  /** The channel's datasets ordered by id; deprecated ones too with `includeDeprecated`. */
  async datasets(channel: string, includeDeprecated: boolean): Promise<DatasetExportRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT d.id, d.channel, d.owner, d.version, d.status, d.title, d.description, d.publisher, d.domain,
              d.data_type, d.sensitivity, d.subject_key, d.subject_class, d.governance, d.update_frequency,
              d.registered_time, d.updated_time, d.metadata, d.policy, (a.department IS NOT NULL) AS authoritative
         FROM catalog_dataset d
         LEFT JOIN catalog_authority a ON a.channel = d.channel AND a.domain = d.domain AND a.department = d.owner
        WHERE d.channel = $1 ${includeDeprecated ? '' : "AND d.status = 'active'"}
        ORDER BY d.id`,
      [channel],
    );
    return rows.map((row) => ({
      id: String(row['id']),
      channel: String(row['channel']),
      owner: String(row['owner']),
      version: Number(row['version']),
      status: String(row['status']),
      title: String(row['title']),
      description: String(row['description']),
      publisher: String(row['publisher']),
      domain: String(row['domain']),
      dataType: String(row['data_type']),
      sensitivity: String(row['sensitivity']),
      subjectKey: textOrNull(row['subject_key']),
      subjectClass: textOrNull(row['subject_class']),
      governance: String(row['governance']),
      updateFrequency: String(row['update_frequency']),
      registeredTime: Number(row['registered_time']),
      updatedTime: Number(row['updated_time']),
      authoritative: row['authoritative'] === true,
      metadata: String(row['metadata']),
      policy: String(row['policy']),
    }));
  }
}
