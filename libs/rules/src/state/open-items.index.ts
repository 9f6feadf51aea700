import { GrantRecord, RequestRecord, RulesState } from './rules-state.schema';

/**
 * Active grants and pending requests of a state, by id and by requester.
 * Decisions only ever look at these, while the state keeps every request
 * and grant ever made; the index keeps a block's work proportional to what
 * is open instead of to the whole history. It is a cache: derived from the
 * state, never part of it or of the digest, and no result depends on its
 * iteration order (callers sort where order matters).
 */
export class OpenItems {
  private readonly grants = new Map<string, GrantRecord>();
  private readonly requests = new Map<string, RequestRecord>();
  private readonly grantsByRequester = new Map<string, Set<string>>();
  private readonly requestsByRequester = new Map<string, Set<string>>();
  /** Open grants and requests by (requester, dataset, purpose): the duplicate-request check. */
  private readonly grantsByAccess = new Map<string, Set<string>>();
  private readonly requestsByAccess = new Map<string, Set<string>>();

  constructor(state: RulesState) {
    for (const id in state.grants) if (Object.hasOwn(state.grants, id)) this.putGrant(state.grants[id]);
    for (const id in state.requests) if (Object.hasOwn(state.requests, id)) this.putRequest(state.requests[id]);
  }

  activeGrants(): Iterable<GrantRecord> {
    return this.grants.values();
  }

  pendingRequests(): Iterable<RequestRecord> {
    return this.requests.values();
  }

  activeGrantsOf(requester: string): GrantRecord[] {
    return [...(this.grantsByRequester.get(requester) ?? [])].map((id) => this.grants.get(id) as GrantRecord);
  }

  pendingRequestsOf(requester: string): RequestRecord[] {
    return [...(this.requestsByRequester.get(requester) ?? [])].map((id) => this.requests.get(id) as RequestRecord);
  }

  /** Active grants of the requester for this dataset and purpose. */
  activeGrantsFor(requester: string, dataset: string, purpose: string): GrantRecord[] {
    const ids = this.grantsByAccess.get(accessKey(requester, dataset, purpose));
    return ids === undefined ? [] : [...ids].map((id) => this.grants.get(id) as GrantRecord);
  }

  /** Pending requests of the requester for this dataset and purpose. */
  pendingRequestsFor(requester: string, dataset: string, purpose: string): RequestRecord[] {
    const ids = this.requestsByAccess.get(accessKey(requester, dataset, purpose));
    return ids === undefined ? [] : [...ids].map((id) => this.requests.get(id) as RequestRecord);
  }

  /** Records the new version of a grant (whatever its status). */
  putGrant(grant: GrantRecord): void {
    const open = grant.status === 'active';
    track(this.grants, this.grantsByRequester, grant.requester, grant, open);
    track(this.grants, this.grantsByAccess, accessKey(grant.requester, grant.dataset, grant.purpose), grant, open);
  }

  putRequest(request: RequestRecord): void {
    const open = request.status === 'pending';
    const key = accessKey(request.requester, request.dataset, request.purpose);
    track(this.requests, this.requestsByRequester, request.requester, request, open);
    track(this.requests, this.requestsByAccess, key, request, open);
  }
}

// Member ids, dataset ids and purposes are tokens without control characters.
function accessKey(requester: string, dataset: string, purpose: string): string {
  return `${requester}\u0000${dataset}\u0000${purpose}`;
}

/** Keeps `record` in byId and under `key` in byKey while open, out of both once closed. */
function track<T extends { readonly id: string }>(
  byId: Map<string, T>,
  byKey: Map<string, Set<string>>,
  key: string,
  record: T,
  open: boolean,
): void {
  let ids = byKey.get(key);
  if (open) {
    byId.set(record.id, record);
    if (ids === undefined) byKey.set(key, (ids = new Set()));
    ids.add(record.id);
  } else {
    byId.delete(record.id);
    if (ids !== undefined) {
      ids.delete(record.id);
      if (ids.size === 0) byKey.delete(key);
    }
  }
}

// Keyed by the state's grants map; valid while the requests map is the same one too.
const cache = new WeakMap<object, { readonly requests: object; readonly index: OpenItems }>();

/** The open-items index of a state, built on first use (O(state)) and reused while its maps are the same objects. */
export function openItems(state: RulesState): OpenItems {
  const cached = cache.get(state.grants);
  if (cached !== undefined && cached.requests === state.requests) return cached.index;
  const index = new OpenItems(state);
  cache.set(state.grants, { requests: state.requests, index });
  return index;
}

/** The index if one was built for exactly these maps (the evolver keeps it in step as it writes). */
export function cachedOpenItems(state: RulesState): OpenItems | undefined {
  const cached = cache.get(state.grants);
  return cached !== undefined && cached.requests === state.requests ? cached.index : undefined;
}

/**
 * Moves `from`'s index, if built, to `draft` (a copy of `from` about to be
 * written): the draft keeps it in step as it is written, and `from` builds
 * a new one should it be queried again. O(1) instead of a rebuild per block.
 */
export function carryOpenItems(from: RulesState, draft: RulesState): void {
  const index = cachedOpenItems(from);
  if (index === undefined) return;
  cache.delete(from.grants);
  cache.set(draft.grants, { requests: draft.requests, index });
}
