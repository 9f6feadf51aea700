import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUTHORITATIVE_SQL } from './search-sql.builder';
import { STANDING_SELECT, standingJoin } from './search.repository';

/** catalog_dataset row with the joined flags (bigint columns as text). */
export interface EntryRow extends Record<string, unknown> {
  readonly id: string;
  readonly owner: string;
  readonly metadata: string;
  readonly policy: string;
  readonly terms: string;
}

export interface VersionRow {
  readonly version: number;
  readonly tx_id: string;
  readonly height: string;
  readonly time: string;
  readonly content_hash: string;
  readonly metadata: string;
}

export interface ReportRow {
  readonly id: string;
  readonly version: number;
  readonly reporter: string;
  readonly category: string;
  readonly reason: string;
  readonly height: string;
  readonly time: string;
}

/** Reads of one dataset entry: its row, versions, open quality reports and the caller's standing. */
@Injectable()
export class DatasetEntryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async entry(id: string, department: string): Promise<EntryRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT d.*, ${AUTHORITATIVE_SQL} AS authoritative, ${STANDING_SELECT}
       FROM catalog_dataset d ${standingJoin('$2')}
       WHERE d.id = $1`,
      [id, department],
    )) as EntryRow[];
    return rows[0];
  }

  async versions(id: string): Promise<VersionRow[]> {
    return (await this.dataSource.query(
      `SELECT version, tx_id, height, time, content_hash, metadata
       FROM catalog_dataset_version WHERE dataset = $1 ORDER BY version`,
      [id],
    )) as VersionRow[];
  }

  async openReports(id: string): Promise<ReportRow[]> {
    return (await this.dataSource.query(
      `SELECT id, version, reporter, category, reason, height, time
       FROM catalog_quality_report WHERE dataset = $1 AND status = 'open' ORDER BY height, id`,
      [id],
    )) as ReportRow[];
  }
}
