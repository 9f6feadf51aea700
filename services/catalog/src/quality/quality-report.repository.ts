import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A quality report as the projection recorded it (catalog_quality_report), with the owner's answer once given. */
export interface QualityReportView {
  /** The quality.report's txId. */
  readonly id: string;
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly reporter: string;
  readonly category: string;
  readonly reason: string;
  readonly reportedAt: { readonly height: number; readonly time: number };
  readonly status: 'open' | 'answered';
  readonly answer: {
    readonly resolution: string | null;
    readonly answer: string | null;
    readonly fixedVersion: number | null;
    readonly txId: string | null;
    readonly time: number | null;
  } | null;
}

interface ReportRow {
  id: string;
  channel: string;
  dataset: string;
  version: number;
  reporter: string;
  category: string;
  reason: string;
  height: string;
  time: string;
  status: 'open' | 'answered';
  resolution: string | null;
  answer: string | null;
  fixed_version: number | null;
  answer_tx: string | null;
  answered_time: string | null;
}

const COLUMNS =
  'id, channel, dataset, version, reporter, category, reason, height, time, status, resolution, answer, fixed_version, answer_tx, answered_time';

function toView(row: ReportRow): QualityReportView {
  return {
    id: row.id,
    channel: row.channel,
    dataset: row.dataset,
    version: Number(row.version),
    reporter: row.reporter,
    category: row.category,
    reason: row.reason,
    reportedAt: { height: Number(row.height), time: Number(row.time) },
    status: row.status,
    answer:
      row.status === 'open'
        ? null
        : {
            resolution: row.resolution,
            answer: row.answer,
            fixedVersion: row.fixed_version === null ? null : Number(row.fixed_version),
            txId: row.answer_tx,
            time: row.answered_time === null ? null : Number(row.answered_time),
          },
  };
}

/** Reads of catalog_quality_report (the projection fills it); it never writes. */
@Injectable()
export class QualityReportRepository {
  constructor(private readonly db: DataSource) {}

  async find(id: string): Promise<QualityReportView | undefined> {
    const rows: ReportRow[] = await this.db.query(`SELECT ${COLUMNS} FROM catalog_quality_report WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toView(rows[0]);
  }

  /** The dataset's reports, newest first. */
  async list(dataset: string, status: 'open' | 'answered' | 'all', limit: number): Promise<QualityReportView[]> {
    const rows: ReportRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM catalog_quality_report
        WHERE dataset = $1 AND ($2 = 'all' OR status = $2)
        ORDER BY height DESC, id DESC LIMIT $3`,
      [dataset, status, limit],
    );
    return rows.map(toView);
  }
}
