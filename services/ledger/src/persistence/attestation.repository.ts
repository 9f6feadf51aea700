import { Injectable } from '@nestjs/common';
import { validateAttestation, type Attestation } from '@accord/protocol';
import { DataSource, type EntityManager } from 'typeorm';
import { insertRows } from '@accord/persistence';
import { toInt } from './row.mapper';

export interface StoredAttestation {
  readonly attestation: Attestation;
  /** Offset on accord.<channel>.attest; null when stored before it was read back (e.g. our own). */
  readonly offset: number | null;
  readonly receivedAt: Date;
}

/** A ledger_attestation row as pg returns it (bigint as a string); the schema is the migration's. */
export interface AttestationRow {
  id: string;
  channel: string;
  height: string;
  from_member: string;
  kind: 'block' | 'state';
  block_hash: string;
  state_digest: string | null;
  body: unknown;
  sig: string;
  log_offset: string | null;
  received_at: Date;
}

/** A ledger_attest_cursor row. */
export interface AttestCursorRow {
  channel: string;
  next_offset: string;
}

const COLUMNS = 'id, channel, height, from_member, kind, block_hash, state_digest, body, sig, log_offset, received_at';

/** ledger_attestation (every distinct attestation once) and ledger_attest_cursor (the collector's resume offset). */
@Injectable()
export class AttestationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores attestations; one already stored (same member, height, kind and values) is skipped. Returns how many were new. */
  async insertMany(
    items: readonly { readonly attestation: Attestation; readonly offset: number | null }[],
    manager?: EntityManager,
  ): Promise<number> {
    if (items.length === 0) return 0;
    const q = manager ?? this.dataSource.manager;
    const rows = items.map(({ attestation: { body, sig }, offset }) => [
      body.channel,
      body.height,
      body.from,
      body.kind,
      body.blockHash,
      body.kind === 'state' ? body.stateDigest : null,
      JSON.stringify(body),
      sig,
      offset,
    ]);
    const inserted = await insertRows(
      q,
      'ledger_attestation',
      ['channel', 'height', 'from_member', 'kind', 'block_hash', 'state_digest', 'body', 'sig', 'log_offset'],
      rows,
      'ON CONFLICT DO NOTHING RETURNING id',
    );
    return inserted.length;
  }

  /** Attestations of one height (optionally one kind), oldest first. */
  async forHeight(
    channel: string,
    height: number,
    kind?: 'block' | 'state',
    manager?: EntityManager,
  ): Promise<StoredAttestation[]> {
    return this.forHeights(channel, height, height, kind, manager);
  }

  /** Attestations of heights from..to, by height then arrival. */
  async forHeights(
    channel: string,
    from: number,
    to: number,
    kind?: 'block' | 'state',
    manager?: EntityManager,
  ): Promise<StoredAttestation[]> {
    const rows: AttestationRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM ledger_attestation WHERE channel = $1 AND height BETWEEN $2 AND $3 ${kind === undefined ? '' : 'AND kind = $4'}
       ORDER BY height, id`,
      kind === undefined ? [channel, from, to] : [channel, from, to, kind],
    );
    return rows.map((row) => ({
      attestation: validateAttestation({ body: row.body, sig: row.sig }),
      offset: row.log_offset === null ? null : toInt(row.log_offset, 'ledger_attestation log_offset'),
      receivedAt: row.received_at,
    }));
  }

  /** Next offset the collector reads on accord.<channel>.attest (0 when it never advanced). */
  async cursor(channel: string, manager?: EntityManager): Promise<number> {
    const rows: Pick<AttestCursorRow, 'next_offset'>[] = await (manager ?? this.dataSource.manager).query(
      'SELECT next_offset FROM ledger_attest_cursor WHERE channel = $1',
      [channel],
    );
    return rows.length === 0 ? 0 : toInt(rows[0].next_offset, 'ledger_attest_cursor next_offset');
  }

  /** Moves the cursor forward (never back); call in the transaction that stored the attestations read. */
  async advanceCursor(manager: EntityManager, channel: string, nextOffset: number): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_attest_cursor AS c (channel, next_offset) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET next_offset = greatest(c.next_offset, EXCLUDED.next_offset)`,
      [channel, nextOffset],
    );
  }
}
