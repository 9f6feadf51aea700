import { EntitySchema } from 'typeorm';

// Persistence shapes only (bigint columns arrive as strings, JSON columns as text); repositories map them to domain types.

/** Every receipt of every applied block, in block order (`seq`). */
export interface ReceiptRow {
  channel: string;
  height: string;
  seq: number;
  tx_id: string | null;
  tx_index: number | null;
  kind: string;
  code: string;
  from_member: string | null;
  subject: string | null;
  body: string;
}

export const ReceiptEntity = new EntitySchema<ReceiptRow>({
  name: 'ContractsReceipt',
  tableName: 'contracts_receipt',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    seq: { type: 'integer', primary: true },
    tx_id: { type: 'text', nullable: true },
    tx_index: { type: 'integer', nullable: true },
    kind: { type: 'text' },
    code: { type: 'text' },
    from_member: { type: 'text', nullable: true },
    subject: { type: 'text', nullable: true },
    body: { type: 'text' },
  },
});

/** The state digest after every applied block: what replay checks and attestations compare. */
export interface DigestRow {
  channel: string;
  height: string;
  block_hash: string;
  time: string;
  digest: string;
  attest: boolean;
  tx_count: number;
  receipt_count: number;
  applied_at: Date;
}

export const DigestEntity = new EntitySchema<DigestRow>({
  name: 'ContractsDigest',
  tableName: 'contracts_digest',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    block_hash: { type: 'text' },
    time: { type: 'bigint' },
    digest: { type: 'text' },
    attest: { type: 'boolean' },
    tx_count: { type: 'integer' },
    receipt_count: { type: 'integer' },
    applied_at: { type: 'timestamptz' },
  },
});
