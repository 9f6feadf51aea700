import { EntitySchema } from 'typeorm';

// Persistence shape only (bigint columns arrive as strings); repositories map it to domain types.

export interface ConfigVersionRow {
  channel: string;
  height: string;
  config: unknown;
}

export const ConfigVersionEntity = new EntitySchema<ConfigVersionRow>({
  name: 'LedgerConfigVersion',
  tableName: 'ledger_config_version',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    config: { type: 'jsonb' },
  },
});

export interface KeyChangeRow {
  channel: string;
  height: string;
  seq: number;
  member: string;
  at_height: string;
  at_index: number;
  scope: 'from' | 'only';
  ed25519: string | null;
}

export const KeyChangeEntity = new EntitySchema<KeyChangeRow>({
  name: 'LedgerKeyChange',
  tableName: 'ledger_key_change',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    seq: { type: 'integer', primary: true },
    member: { type: 'text' },
    at_height: { type: 'bigint' },
    at_index: { type: 'integer' },
    scope: { type: 'text' },
    ed25519: { type: 'text', nullable: true },
  },
});

export interface GovernanceEventRow {
  channel: string;
  height: string;
  seq: number;
  type: string;
  tx_index: number | null;
  event: unknown;
}

export const GovernanceEventEntity = new EntitySchema<GovernanceEventRow>({
  name: 'LedgerGovernanceEvent',
  tableName: 'ledger_governance_event',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint', primary: true },
    seq: { type: 'integer', primary: true },
    type: { type: 'text' },
    tx_index: { type: 'integer', nullable: true },
    event: { type: 'jsonb' },
  },
});
