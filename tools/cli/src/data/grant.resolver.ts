import { ApiError } from '../api/api.errors';
import type { DepartmentApi } from '../api/department.api';
import { CliInputError } from '../cli.context';
import { DataCommandError } from './data.errors';

/** What `accord fetch` names: a grant (or its request: they share the id), or a dataset we hold a grant for. */
export type FetchTarget =
  { readonly kind: 'grant'; readonly id: string } | { readonly kind: 'dataset'; readonly dataset: string };

const HASH_HEX = /^[0-9a-f]{64}$/;
const DATASET_ID = /^[a-z0-9][a-z0-9._-]{0,63}\/[a-z0-9][a-z0-9._-]{0,127}$/;

export function parseFetchTarget(text: string): FetchTarget {
  const value = text.trim();
  if (HASH_HEX.test(value.toLowerCase())) return { kind: 'grant', id: value.toLowerCase() };
  if (DATASET_ID.test(value)) return { kind: 'dataset', dataset: value };
  throw new CliInputError(
    `${JSON.stringify(text)} is neither a grant or request id (64 hex digits) nor a dataset <owner>/<name>`,
    'name the grant by its id (the access request tx id) or the dataset, e.g. `accord fetch health/registry --out registry.csv`',
  );
}

/** A grant as the contracts service shows it (libs/rules GrantRecord, the fields used here). */
export interface GrantRecord {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly dataset: string;
  readonly purpose: string;
  readonly status: 'active' | 'expired' | 'revoked' | 'exhausted';
  readonly expiresAt: number;
  readonly maxAccesses: number | null;
  readonly accessesUsed: number;
  readonly code: string | null;
}

interface GrantView {
  readonly grant: GrantRecord;
  readonly live: boolean;
}

interface RequestItem {
  readonly id: string;
  readonly requester: string;
  readonly provider: string | null;
  readonly dataset: string | null;
  readonly status: string;
  readonly code: string | null;
  readonly decision: { readonly message?: string } | null;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/**
 * The live grant to this department that `target` names on `channel`, from
 * the department's contracts service (its copy of the rule state). Anything
 * else is a refusal that says why and what to do: no request at all, a
 * request not granted (pending consent, denied, refused), a grant to
 * another department, a grant that ended (expired, revoked, used up).
 */
export async function resolveLiveGrant(
  api: DepartmentApi,
  channel: string,
  target: FetchTarget,
  signal?: AbortSignal,
): Promise<GrantRecord> {
  const me = api.profile.department;
  const view =
    target.kind === 'grant'
      ? await grantById(api, channel, target.id, signal)
      : await latestGrantOf(api, channel, me, target.dataset, signal);
  const { grant, live } = view;
  if (grant.requester !== me)
    throw new DataCommandError(
      'no_grant',
      `grant ${grant.id} on ${channel} is to ${grant.requester}, not to ${me}`,
      `fetch with the profile of ${grant.requester}, or request access to ${grant.dataset} as ${me}`,
    );
  if (!live)
    throw new DataCommandError(
      'grant_not_live',
      `grant ${grant.id} to ${grant.dataset} is ${grant.status === 'active' ? 'past its end' : grant.status}${grant.code === null ? '' : ` (${grant.code})`}`,
      `request access to ${grant.dataset} again on ${channel}`,
    );
  return grant;
}

async function grantById(api: DepartmentApi, channel: string, id: string, signal?: AbortSignal): Promise<GrantView> {
  try {
    return await contracts<GrantView>(api, `/v1/channels/${enc(channel)}/grants/${id}`, {}, signal);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'grant_not_found') throw error;
  }
  // No grant: maybe a request that was not granted (they share the id).
  let request: RequestItem;
  try {
    request = (
      await contracts<{ request: RequestItem }>(api, `/v1/channels/${enc(channel)}/requests/${id}`, {}, signal)
    ).request;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'request_not_found')
      throw new DataCommandError(
        'no_grant',
        `no grant or access request ${id} on channel ${channel}`,
        'check the id and the channel (--channel), or request access to the dataset first',
      );
    throw error;
  }
  throw notGranted(channel, request);
}

async function latestGrantOf(
  api: DepartmentApi,
  channel: string,
  me: string,
  dataset: string,
  signal?: AbortSignal,
): Promise<GrantView> {
  const grants = await allPages<GrantRecord>(
    api,
    `/v1/channels/${enc(channel)}/grants`,
    { requester: me, dataset },
    signal,
  );
  // Chain order: the last active grant is the newest; else the newest ended one says why there is none.
  const chosen = grants.filter((g) => g.status === 'active').at(-1) ?? grants.at(-1);
  if (chosen !== undefined) return grantById(api, channel, chosen.id, signal);
  const requests = await allPages<RequestItem>(
    api,
    `/v1/channels/${enc(channel)}/requests`,
    { requester: me, dataset },
    signal,
  );
  const last = requests.at(-1);
  if (last !== undefined) throw notGranted(channel, last);
  throw new DataCommandError(
    'no_grant',
    `${me} holds no grant for ${dataset} on channel ${channel}, and never requested it`,
    `request access to ${dataset} first (the contracts service's POST /v1/channels/${channel}/requests, or the console)`,
  );
}

function notGranted(channel: string, request: RequestItem): DataCommandError {
  const reason = request.decision?.message ?? request.code ?? '';
  const next =
    request.status === 'pending'
      ? `wait for ${request.provider ?? 'the provider'} to consent, then fetch again`
      : `request access to ${request.dataset ?? 'the dataset'} again once the reason is addressed`;
  return new DataCommandError(
    'request_not_granted',
    `access request ${request.id} on ${channel} is ${request.status}${reason === '' ? '' : `: ${reason}`}`,
    next,
  );
}

async function allPages<T>(
  api: DepartmentApi,
  path: string,
  query: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page: Page<T> = await contracts<Page<T>>(
      api,
      path,
      { ...query, limit: '1000', ...(after === null ? {} : { after }) },
      signal,
    );
    items.push(...page.items);
    after = page.next;
  } while (after !== null);
  return items;
}

function contracts<T>(
  api: DepartmentApi,
  path: string,
  query: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<T> {
  return api.request<T>('contracts', 'GET', path, { query, signal });
}

const enc = encodeURIComponent;
