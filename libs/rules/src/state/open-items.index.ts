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

  /** Records the new version of a grant (whatever its status). */
  putGrant(grant: GrantRecord): void {
    track(this.grants, this.grantsByRequester, grant, grant.status === 'active');
  }

  putRequest(request: RequestRecord): void {
    track(this.requests, this.requestsByRequester, request, request.status === 'pending');
  }
}

function track<T extends { readonly id: string; readonly requester: string }>(
  byId: Map<string, T>,
  byRequester: Map<string, Set<string>>,
  record: T,
  open: boolean,
): void {
  let ids = byRequester.get(record.requester);
  if (open) {
    byId.set(record.id, record);
    if (ids === undefined) byRequester.set(record.requester, (ids = new Set()));
    ids.add(record.id);
  } else {
    byId.delete(record.id);
    ids?.delete(record.id);
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
