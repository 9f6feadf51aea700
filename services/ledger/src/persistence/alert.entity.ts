import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

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

export const AlertEntity = new EntitySchema<AlertRow>({
  name: 'LedgerAlert',
  tableName: 'ledger_alert',
  columns: {
    id: { type: 'text', primary: true },
    channel: { type: 'text' },
    height: { type: 'bigint' },
    kind: { type: 'text' },
    reason: { type: 'text' },
    member: { type: 'text', nullable: true },
    field: { type: 'text', nullable: true },
    expected: { type: 'text', nullable: true },
    observed: { type: 'jsonb' },
    details: { type: 'jsonb', nullable: true },
    raised_at: { type: 'timestamptz' },
    last_seen_at: { type: 'timestamptz' },
  },
});
