import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

export interface BlockRow {
  channel: string;
  height: string;
  hash: string;
  prev_hash: string;
  tx_root: string;
  tx_count: number;
  first_offset: string;
  last_offset: string;
  time: string;
  config_changed: boolean;
  final: boolean;
  final_at: Date | null;
  committed_at: Date;
}

export const BlockEntity = new EntitySchema<BlockRow>({
  name: 'LedgerBlock',
  tableName: 'ledger_block',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    hash: { type: 'text' },
    prev_hash: { type: 'text' },
    tx_root: { type: 'text' },
    tx_count: { type: 'integer' },
    first_offset: { type: 'bigint' },
    last_offset: { type: 'bigint' },
    time: { type: 'bigint' },
    config_changed: { type: 'boolean' },
    final: { type: 'boolean' },
    final_at: { type: 'timestamptz', nullable: true },
    committed_at: { type: 'timestamptz' },
  },
});
