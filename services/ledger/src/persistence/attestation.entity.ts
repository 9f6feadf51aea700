import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

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

export const AttestationEntity = new EntitySchema<AttestationRow>({
  name: 'LedgerAttestation',
  tableName: 'ledger_attestation',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    channel: { type: 'text' },
    height: { type: 'bigint' },
    from_member: { type: 'text' },
    kind: { type: 'text' },
    block_hash: { type: 'text' },
    state_digest: { type: 'text', nullable: true },
    body: { type: 'jsonb' },
    sig: { type: 'text' },
    log_offset: { type: 'bigint', nullable: true },
    received_at: { type: 'timestamptz' },
  },
});

export interface AttestCursorRow {
  channel: string;
  next_offset: string;
}

export const AttestCursorEntity = new EntitySchema<AttestCursorRow>({
  name: 'LedgerAttestCursor',
  tableName: 'ledger_attest_cursor',
  columns: {
    channel: { type: 'text', primary: true },
    next_offset: { type: 'bigint' },
  },
});
