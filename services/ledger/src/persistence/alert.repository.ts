import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { toInt } from './row.mapper';

/**
 * A fork/tamper alert: ledger-core's ForkAlert (attestations disagree) or
 * the ledger's own findings (a rebuilt block differs from the stored one,
 * an audit mismatch). `id` is stable, so raising it again only refreshes it.
 */
export interface LedgerAlert {
  readonly id: string;
  readonly channel: string;
  readonly height: number;
  readonly kind: string;
  readonly reason: string;
  readonly member: string | null;
  readonly field: string | null;
  readonly expected: string | null;
  readonly observed: readonly string[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface StoredAlert extends LedgerAlert {
  readonly raisedAt: Date;
  readonly lastSeenAt: Date;
}

/** A ledger_alert row as pg returns it (bigint as a string); the schema is the migration's. */
export interface AlertRow {
  id: string;
  channel: string;
  height: string;
  kind: string;
  reason: string;
  member: string | null;
  field: string | null;
  expected: string | null;
  observed: unknown;
  details: unknown;
  raised_at: Date;
  last_seen_at: Date;
}

const COLUMNS =
  'id, channel, height, kind, reason, member, field, expected, observed, details, raised_at, last_seen_at';

@Injectable()
export class AlertRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores alerts (refreshing ones already raised); returns those raised for the first time. */
  async raise(alerts: readonly LedgerAlert[], manager?: EntityManager): Promise<LedgerAlert[]> {
    const fresh: LedgerAlert[] = [];
    for (const alert of alerts) {
      const rows: { inserted: boolean }[] = await (manager ?? this.dataSource.manager).query(
        `INSERT INTO ledger_alert AS a (id, channel, height, kind, reason, member, field, expected, observed, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), observed = EXCLUDED.observed, details = EXCLUDED.details
         RETURNING (xmax = 0) AS inserted`,
        [
          alert.id,
          alert.channel,
          alert.height,
          alert.kind,
          alert.reason,
          alert.member,
          alert.field,
          alert.expected,
          JSON.stringify(alert.observed),
          alert.details === undefined ? null : JSON.stringify(alert.details),
        ],
      );
      if (rows[0]?.inserted) fresh.push(alert);
    }
    return fresh;
  }

  /** Alerts newest first, optionally of one channel. */
  async list(options: { readonly channel?: string; readonly limit: number }): Promise<StoredAlert[]> {
    const rows: AlertRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ledger_alert ${options.channel === undefined ? '' : 'WHERE channel = $2'} ORDER BY raised_at DESC, id LIMIT $1`,
      options.channel === undefined ? [options.limit] : [options.limit, options.channel],
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      height: toInt(row.height, 'ledger_alert height'),
      kind: row.kind,
      reason: row.reason,
      member: row.member,
      field: row.field,
      expected: row.expected,
      observed: Array.isArray(row.observed) ? (row.observed as string[]) : [],
      ...(row.details === null ? {} : { details: row.details as Record<string, unknown> }),
      raisedAt: row.raised_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  async count(channel?: string): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM ledger_alert ${channel === undefined ? '' : 'WHERE channel = $1'}`,
      channel === undefined ? [] : [channel],
    );
    return toInt(rows[0].n, 'ledger_alert count');
  }
}
