import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ObjectsQuery, ObjectView } from './objects.dto';

/** Most objects one list answers. */
export const MAX_LISTED_OBJECTS = 1000;

interface ViewRow {
  object_id: string;
  origin: 'upload' | 'copy';
  channel: string;
  dataset: string;
  version: number;
  media_type: string;
  size_bytes: string;
  status: string;
  sha256: string | null;
  chunk_size: number;
  chunk_root: string | null;
  anchor_tx_id: string | null;
  created_at: string;
  completed_at: string | null;
}

const VIEW_COLUMNS = `object_id, origin, channel, dataset, version, media_type, size_bytes, status, sha256, chunk_size,
  chunk_root, anchor_tx_id, created_at, completed_at`;

/** Reads gateway_object for the API (only the columns it shows: never the wrapped key). */
@Injectable()
export class ObjectsRepository {
  constructor(private readonly db: DataSource) {}

  /** Objects matching every filter given, newest first. */
  async list(query: ObjectsQuery): Promise<ObjectView[]> {
    const rows: ViewRow[] = await this.db.query(
      `SELECT ${VIEW_COLUMNS} FROM gateway_object
       WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR dataset = $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, object_id LIMIT $4`,
      [query.channel ?? null, query.dataset ?? null, query.status ?? null, MAX_LISTED_OBJECTS],
    );
    return rows.map(toView);
  }

  async find(objectId: string): Promise<ObjectView | undefined> {
    const rows: ViewRow[] = await this.db.query(`SELECT ${VIEW_COLUMNS} FROM gateway_object WHERE object_id = $1`, [
      objectId,
    ]);
    return rows[0] === undefined ? undefined : toView(rows[0]);
  }
}

function toView(row: ViewRow): ObjectView {
  return {
    objectId: row.object_id,
    origin: row.origin,
    channel: row.channel,
    dataset: row.dataset,
    version: row.version,
    mediaType: row.media_type,
    sizeBytes: Number(row.size_bytes),
    status: row.status,
    sha256: row.sha256,
    chunkSize: row.chunk_size,
    chunkRoot: row.chunk_root,
    anchorTxId: row.anchor_tx_id,
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}
