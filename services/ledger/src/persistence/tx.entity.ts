import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

export interface TxRow {
  channel: string;
  height: string;
  idx: number;
  tx_id: string | null;
  from_member: string | null;
  type: string | null;
  nonce: string | null;
  code: string;
  log_offset: string;
  bytes: Buffer;
}

export const TxEntity = new EntitySchema<TxRow>({
  name: 'LedgerTx',
  tableName: 'ledger_tx',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    idx: { type: 'integer', primary: true },
    tx_id: { type: 'text', nullable: true },
    from_member: { type: 'text', nullable: true },
    type: { type: 'text', nullable: true },
    nonce: { type: 'bigint', nullable: true },
    code: { type: 'text' },
    log_offset: { type: 'bigint' },
    bytes: { type: 'bytea' },
  },
});
