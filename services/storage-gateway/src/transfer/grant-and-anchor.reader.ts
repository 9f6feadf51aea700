import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A grant this department is party to, as the decisions projection keeps it. */
export interface GrantView {
  readonly grantId: string;
  readonly channel: string;
  readonly dataset: string;
  readonly requester: string;
  readonly provider: string;
  readonly expiresAt: number;
  readonly maxAccesses: number | null;
  readonly accessesUsed: number;
  readonly status: string;
}

/** An anchored object on this department's copy of the chain. */
export interface AnchorView {
  readonly txId: string;
  readonly channel: string;
  readonly dataset: string;
  readonly owner: string;
  readonly version: number;
  readonly sizeBytes: number;
  readonly mediaType: string;
  readonly sha256: string;
  readonly chunkSize: number;
  readonly chunkRoot: string;
  readonly erasedBy: string | null;
}

interface GrantRow {
  grant_id: string;
  channel: string;
  dataset: string;
  requester: string;
  provider: string;
  expires_at: string;
  max_accesses: number | null;
  accesses_used: number;
  status: string;
}

interface AnchorRow {
  tx_id: string;
  channel: string;
  dataset: string;
  owner: string;
  version: number;
  size_bytes: string;
  media_type: string;
  sha256: string;
  chunk_size: number;
  chunk_root: string;
  erased_by: string | null;
}

/**
 * The projected grants and anchors both ends of a transfer read: the
 * provider checks the grant before it records a use, the requester takes
 * the anchor it verifies against from its own copy of the chain, never
 * from the provider.
 */
@Injectable()
export class GrantAndAnchorReader {
  constructor(private readonly db: DataSource) {}

  async grant(grantId: string): Promise<GrantView | undefined> {
    const rows: GrantRow[] = await this.db.query('SELECT * FROM gateway_grant WHERE grant_id = $1', [grantId]);
    const row = rows[0];
    return row === undefined
      ? undefined
      : {
          grantId: row.grant_id,
          channel: row.channel,
          dataset: row.dataset,
          requester: row.requester,
          provider: row.provider,
          expiresAt: Number(row.expires_at),
          maxAccesses: row.max_accesses,
          accessesUsed: row.accesses_used,
          status: row.status,
        };
  }

  /** Active, not past its end at `blockTime`, and with an access left (the rules decide the last one). */
  static isLive(grant: GrantView, blockTime: number): boolean {
    return (
      grant.status === 'active' &&
      blockTime < grant.expiresAt &&
      (grant.maxAccesses === null || grant.accessesUsed < grant.maxAccesses)
    );
  }

  async anchor(txId: string): Promise<AnchorView | undefined> {
    const rows: AnchorRow[] = await this.db.query('SELECT * FROM gateway_anchor WHERE tx_id = $1', [txId]);
    return rows[0] === undefined ? undefined : toAnchor(rows[0]);
  }

  /** The anchor in force for a dataset: the latest of its owner on the channel, highest version first; erased ones count (they say the content is gone). */
  async latestAnchor(channel: string, dataset: string): Promise<AnchorView | undefined> {
    const rows: AnchorRow[] = await this.db.query(
      `SELECT * FROM gateway_anchor WHERE channel = $1 AND dataset = $2
       ORDER BY version DESC, height DESC, tx_index DESC LIMIT 1`,
      [channel, dataset],
    );
    return rows[0] === undefined ? undefined : toAnchor(rows[0]);
  }
}

function toAnchor(row: AnchorRow): AnchorView {
  return {
    txId: row.tx_id,
    channel: row.channel,
    dataset: row.dataset,
    owner: row.owner,
    version: row.version,
    sizeBytes: Number(row.size_bytes),
    mediaType: row.media_type,
    sha256: row.sha256,
    chunkSize: row.chunk_size,
    chunkRoot: row.chunk_root,
    erasedBy: row.erased_by,
  };
}
