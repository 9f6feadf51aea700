import { Injectable } from '@nestjs/common';
import type { GrantRecord, RequestRecord } from '@accord/rules';
import { DataSource } from 'typeorm';
import type { RequestDecision } from '../pipeline/receipt-rows.mapper';
import type { GrantRow, RequestRow } from './rules-state.repository';
import { parseJson, toInt } from './row.mapper';

/** A request as the API lists it: the rule state's record when it keeps one, else the denial or rejection. */
export interface RequestListItem {
  readonly channel: string;
  readonly id: string;
  readonly requester: string;
  readonly provider: string | null;
  readonly dataset: string | null;
  readonly purpose: string | null;
  /** pending, granted, denied, refused, cancelled, expired — or rejected (the tx could not apply at all). */
  readonly status: string;
  readonly code: string | null;
  readonly requestedAt: { readonly height: number; readonly time: number };
  /** The rule state's record; null for requests denied when made or rejected. */
  readonly record: RequestRecord | null;
  /** How it was last decided, with the checks and messages: the reasons. */
  readonly decision: RequestDecision | null;
}

export interface RequestQuery {
  readonly requester?: string;
  readonly provider?: string;
  readonly dataset?: string;
  readonly status?: string;
  /** Cursor: items after this `<height>:<id>`. */
  readonly after?: { readonly height: number; readonly id: string };
  readonly limit: number;
}

export interface GrantQuery {
  readonly requester?: string;
  readonly provider?: string;
  readonly dataset?: string;
  readonly status?: string;
  readonly after?: { readonly height: number; readonly id: string };
  readonly limit: number;
}

const REQUEST_COLUMNS =
  'channel, id, requester, provider, dataset, purpose, status, code, requested_height, requested_time, record, decision';

/** Filtered, paged reads of the query tables (requests and grants) for the HTTP API. */
@Injectable()
export class ContractsReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Requests in chain order (height of the request, then id). */
  async requests(channel: string, query: RequestQuery): Promise<RequestListItem[]> {
    const { where, params } = filters(channel, query, 'requested_height');
    params.push(query.limit);
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM contracts_request WHERE ${where} ORDER BY requested_height, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRequestItem);
  }

  async request(channel: string, id: string): Promise<RequestListItem | undefined> {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM contracts_request WHERE channel = $1 AND id = $2`,
      [channel, id],
    );
    return rows.length === 0 ? undefined : toRequestItem(rows[0]);
  }

  /** Grants in chain order (height of the grant, then id). */
  async grants(channel: string, query: GrantQuery): Promise<GrantRecord[]> {
    const { where, params } = filters(channel, query, 'granted_height');
    params.push(query.limit);
    const rows: Pick<GrantRow, 'record'>[] = await this.dataSource.query(
      `SELECT record FROM contracts_grant WHERE ${where} ORDER BY granted_height, id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => parseJson(r.record, `${channel} grant`) as GrantRecord);
  }
}

function filters(
  channel: string,
  query: RequestQuery | GrantQuery,
  heightColumn: string,
): { where: string; params: unknown[] } {
  const params: unknown[] = [channel];
  const clauses = ['channel = $1'];
  for (const column of ['requester', 'provider', 'dataset', 'status'] as const) {
    const value = query[column];
    if (value === undefined) continue;
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  }
  if (query.after !== undefined) {
    params.push(query.after.height, query.after.id);
    clauses.push(`(${heightColumn}, id) > ($${params.length - 1}, $${params.length})`);
  }
  return { where: clauses.join(' AND '), params };
}

function toRequestItem(row: RequestRow): RequestListItem {
  const what = `contracts_request ${row.channel}/${row.id}`;
  return {
    channel: row.channel,
    id: row.id,
    requester: row.requester,
    provider: row.provider,
    dataset: row.dataset,
    purpose: row.purpose,
    status: row.status,
    code: row.code,
    requestedAt: {
      height: toInt(row.requested_height, `${what} requested_height`),
      time: toInt(row.requested_time, `${what} requested_time`),
    },
    record: row.record === null ? null : (parseJson(row.record, what) as RequestRecord),
    decision: row.decision === null ? null : (parseJson(row.decision, `${what} decision`) as RequestDecision),
  };
}
