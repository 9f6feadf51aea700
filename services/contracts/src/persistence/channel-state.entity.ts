import { EntitySchema } from 'typeorm';

// Persistence shapes only (bigint columns arrive as strings, JSON columns as text); repositories map them to domain types.

/** One row per channel: the rule state's header after the last applied block, its configuration and the publication mark. */
export interface ChannelStateRow {
  channel: string;
  height: string;
  block_hash: string | null;
  time: string;
  digest: string | null;
  params: string | null;
  rules_hash: string | null;
  config: string | null;
  published_height: string;
  halted: string | null;
  updated_at: Date;
}

export const ChannelStateEntity = new EntitySchema<ChannelStateRow>({
  name: 'ContractsChannel',
  tableName: 'contracts_channel',
  columns: {
    channel: { type: 'text', primary: true },
    height: { type: 'bigint' },
    block_hash: { type: 'text', nullable: true },
    time: { type: 'bigint' },
    digest: { type: 'text', nullable: true },
    params: { type: 'text', nullable: true },
    rules_hash: { type: 'text', nullable: true },
    config: { type: 'text', nullable: true },
    published_height: { type: 'bigint' },
    halted: { type: 'text', nullable: true },
    updated_at: { type: 'timestamptz' },
  },
});

export interface AccountRow {
  channel: string;
  member: string;
  balance: string;
  held: string;
  score: string;
}

export const AccountEntity = new EntitySchema<AccountRow>({
  name: 'ContractsAccount',
  tableName: 'contracts_account',
  columns: {
    channel: { type: 'text', primary: true },
    member: { type: 'text', primary: true },
    balance: { type: 'bigint' },
    held: { type: 'bigint' },
    score: { type: 'bigint' },
  },
});

export interface DatasetRow {
  channel: string;
  id: string;
  owner: string;
  status: string;
  sensitivity: string;
  record: string;
}

export const DatasetEntity = new EntitySchema<DatasetRow>({
  name: 'ContractsDataset',
  tableName: 'contracts_dataset',
  columns: {
    channel: { type: 'text', primary: true },
    id: { type: 'text', primary: true },
    owner: { type: 'text' },
    status: { type: 'text' },
    sensitivity: { type: 'text' },
    record: { type: 'text' },
  },
});

/** Every access.request ever decided: the state's record (`record`) when it holds one, else the denial or rejection. */
export interface RequestRow {
  channel: string;
  id: string;
  requester: string;
  provider: string | null;
  dataset: string | null;
  purpose: string | null;
  status: string;
  code: string | null;
  requested_height: string;
  requested_time: string;
  record: string | null;
  decision: string | null;
}

export const RequestEntity = new EntitySchema<RequestRow>({
  name: 'ContractsRequest',
  tableName: 'contracts_request',
  columns: {
    channel: { type: 'text', primary: true },
    id: { type: 'text', primary: true },
    requester: { type: 'text' },
    provider: { type: 'text', nullable: true },
    dataset: { type: 'text', nullable: true },
    purpose: { type: 'text', nullable: true },
    status: { type: 'text' },
    code: { type: 'text', nullable: true },
    requested_height: { type: 'bigint' },
    requested_time: { type: 'bigint' },
    record: { type: 'text', nullable: true },
    decision: { type: 'text', nullable: true },
  },
});

export interface GrantRow {
  channel: string;
  id: string;
  requester: string;
  provider: string;
  dataset: string;
  purpose: string;
  status: string;
  granted_height: string;
  expires_at: string;
  record: string;
}

export const GrantEntity = new EntitySchema<GrantRow>({
  name: 'ContractsGrant',
  tableName: 'contracts_grant',
  columns: {
    channel: { type: 'text', primary: true },
    id: { type: 'text', primary: true },
    requester: { type: 'text' },
    provider: { type: 'text' },
    dataset: { type: 'text' },
    purpose: { type: 'text' },
    status: { type: 'text' },
    granted_height: { type: 'bigint' },
    expires_at: { type: 'bigint' },
    record: { type: 'text' },
  },
});
