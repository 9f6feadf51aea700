// What gateway_object holds about an object, and how a row maps to it.

/** What an object is, as gateway_object holds it. */
export interface StoredObject {
  readonly objectId: string;
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly sha256: string | null;
  readonly chunkSize: number;
  readonly chunkRoot: string | null;
  readonly anchorTxId: string | null;
  readonly wrappedKey: string | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
}

export interface NewObject {
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: string;
  readonly now: number;
  readonly chunkSize?: number;
}

/** A gateway_object row as pg returns it (bigint as strings). */
export interface ObjectRow {
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
  wrapped_key: string | null;
  created_at: string;
  completed_at: string | null;
}

/** The object of a gateway_object row. */
export function toStoredObject(row: ObjectRow): StoredObject {
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
    wrappedKey: row.wrapped_key,
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}
