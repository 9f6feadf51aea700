import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ExpectedDigest } from './digest.verdict';
import type { ScrubFindingKind } from './scrub-finding';

/** A gateway_scrub_run row. Times are ms since the epoch; finishedAt null: running, or stopped by a shutdown. */
export interface ScrubRunRecord {
  readonly runId: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly objectsChecked: number;
  readonly bytesRead: number;
  readonly findings: number;
}

/** A gateway_scrub_finding row, with the dataset of its object. */
export interface ScrubFindingRecord {
  readonly findingId: string;
  readonly runId: string;
  readonly objectId: string;
  readonly channel: string | null;
  readonly dataset: string | null;
  readonly kind: ScrubFindingKind;
  readonly detail: string;
  readonly foundAt: number;
}

/** What a run has done so far (written after every object, so a stopped run keeps its progress). */
export interface ScrubProgress {
  readonly objectsChecked: number;
  readonly bytesRead: number;
  readonly findings: number;
}

/** One object the scrubber reads: its id and the segment size its row records. */
export interface ScrubTarget {
  readonly objectId: string;
  readonly segmentSize: number;
}

interface RunRow {
  run_id: string;
  started_at: string;
  finished_at: string | null;
  objects_checked: number;
  bytes_read: string;
  findings: number;
}

interface FindingRow {
  finding_id: string;
  run_id: string;
  object_id: string;
  channel: string | null;
  dataset: string | null;
  kind: ScrubFindingKind;
  detail: string;
  found_at: string;
}

/** The scrubber's reads and writes of gateway_object, gateway_anchor, gateway_scrub_run and gateway_scrub_finding. */
@Injectable()
export class ScrubRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The next `limit` objects to scrub after `afterObjectId`, in object id
   * order (a stable order that pages without holding every id): every
   * object with status 'available' whose data key still exists, own uploads
   * and verified copies alike.
   */
  async availableAfter(afterObjectId: string | null, limit: number): Promise<ScrubTarget[]> {
    const rows: { object_id: string; segment_size: number }[] = await this.db.query(
      `SELECT object_id, segment_size FROM gateway_object
       WHERE status = 'available' AND wrapped_key IS NOT NULL AND ($1::text IS NULL OR object_id > $1)
       ORDER BY object_id LIMIT $2`,
      [afterObjectId, limit],
    );
    return rows.map((r) => ({ objectId: r.object_id, segmentSize: Number(r.segment_size) }));
  }

  /** The figures of a projected anchor; undefined when no such anchor was projected. */
  async anchor(txId: string): Promise<ExpectedDigest | undefined> {
    const rows: { size_bytes: string; sha256: string; chunk_size: number; chunk_root: string }[] = await this.db.query(
      'SELECT size_bytes, sha256, chunk_size, chunk_root FROM gateway_anchor WHERE tx_id = $1',
      [txId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      source: `anchor ${txId}`,
      size: Number(row.size_bytes),
      sha256: row.sha256,
      chunkSize: Number(row.chunk_size),
      chunkRoot: row.chunk_root,
    };
  }

  async startRun(runId: string, startedAt: number): Promise<void> {
    await this.db.query('INSERT INTO gateway_scrub_run (run_id, started_at) VALUES ($1, $2)', [runId, startedAt]);
  }

  async recordProgress(runId: string, progress: ScrubProgress): Promise<void> {
    await this.db.query(
      'UPDATE gateway_scrub_run SET objects_checked = $2, bytes_read = $3, findings = $4 WHERE run_id = $1',
      [runId, progress.objectsChecked, progress.bytesRead, progress.findings],
    );
  }

  async finishRun(runId: string, finishedAt: number): Promise<void> {
    await this.db.query('UPDATE gateway_scrub_run SET finished_at = $2 WHERE run_id = $1', [runId, finishedAt]);
  }

  async addFinding(finding: Omit<ScrubFindingRecord, 'channel' | 'dataset'>): Promise<void> {
    await this.db.query(
      `INSERT INTO gateway_scrub_finding (finding_id, run_id, object_id, kind, detail, found_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [finding.findingId, finding.runId, finding.objectId, finding.kind, finding.detail, finding.foundAt],
    );
  }

  async findRun(runId: string): Promise<ScrubRunRecord | undefined> {
    const rows: RunRow[] = await this.db.query('SELECT * FROM gateway_scrub_run WHERE run_id = $1', [runId]);
    return rows[0] === undefined ? undefined : toRun(rows[0]);
  }

  /** The run that finished last (runs stopped by a shutdown never finish). */
  async lastFinishedRun(): Promise<ScrubRunRecord | undefined> {
    const rows: RunRow[] = await this.db.query(
      'SELECT * FROM gateway_scrub_run WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, run_id LIMIT 1',
    );
    return rows[0] === undefined ? undefined : toRun(rows[0]);
  }

  /** The first `limit` findings of a run, in the order they were found. */
  async findingsOf(runId: string, limit: number): Promise<ScrubFindingRecord[]> {
    const rows: FindingRow[] = await this.db.query(
      `SELECT f.*, o.channel, o.dataset FROM gateway_scrub_finding f
       LEFT JOIN gateway_object o ON o.object_id = f.object_id
       WHERE f.run_id = $1 ORDER BY f.found_at, f.object_id, f.kind LIMIT $2`,
      [runId, limit],
    );
    return rows.map(toFinding);
  }
}

function toRun(row: RunRow): ScrubRunRecord {
  return {
    runId: row.run_id,
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    objectsChecked: Number(row.objects_checked),
    bytesRead: Number(row.bytes_read),
    findings: Number(row.findings),
  };
}

function toFinding(row: FindingRow): ScrubFindingRecord {
  return {
    findingId: row.finding_id,
    runId: row.run_id,
    objectId: row.object_id,
    channel: row.channel,
    dataset: row.dataset,
    kind: row.kind,
    detail: row.detail,
    foundAt: Number(row.found_at),
  };
}
