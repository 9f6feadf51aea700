import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

export interface ChannelRow {
  channel: string;
  following: boolean;
  follow_source: 'config' | 'api' | 'create';
  followed_at: Date;
  next_height: string;
  head_hash: string;
  head_time: string;
  next_offset: string;
  config: unknown;
  published_height: string;
  updated_at: Date;
}

export const ChannelEntity = new EntitySchema<ChannelRow>({
  name: 'LedgerChannel',
  tableName: 'ledger_channel',
  columns: {
    channel: { type: 'text', primary: true },
    following: { type: 'boolean' },
    follow_source: { type: 'text' },
    followed_at: { type: 'timestamptz' },
    next_height: { type: 'bigint' },
    head_hash: { type: 'text' },
    head_time: { type: 'bigint' },
    next_offset: { type: 'bigint' },
    config: { type: 'jsonb', nullable: true },
    published_height: { type: 'bigint' },
    updated_at: { type: 'timestamptz' },
  },
});
