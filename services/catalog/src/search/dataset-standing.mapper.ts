/**
 * The caller department's standing on a dataset, from its latest access
 * request (catalog_request, requester = this department): what a search hit
 * and a dataset entry show so a user sees at once whether to ask.
 */
export type Standing =
  | { readonly state: 'owner' }
  | { readonly state: 'none' }
  | { readonly state: 'pending'; readonly request: string; readonly requestedAt: number }
  | {
      readonly state: 'granted';
      readonly request: string;
      /** Block time the grant ends (ms), null if it does not. */
      readonly expiresAt: number | null;
      /** Accesses left (max_accesses - accesses_used), null when unlimited. */
      readonly usesLeft: number | null;
    }
  | {
      /** The request's status (denied, refused, cancelled, expired, ...) or its grant's (revoked, expired, exhausted). */
      readonly state: string;
      readonly request: string;
      readonly code: string;
      readonly reason: string | null;
    };

/** The r_ columns of STANDING_SELECT (search.repository.ts). */
export interface StandingColumns {
  readonly r_id: string | null;
  readonly r_status: string | null;
  readonly r_grant_status: string | null;
  readonly r_code: string | null;
  readonly r_message: string | null;
  readonly r_expires_at: string | null;
  readonly r_accesses_used: number | null;
  readonly r_max_accesses: number | null;
  readonly r_requested_time: string | null;
}

/**
 * Whether a grant can be used at `now` (wall clock): active, and not past
 * its end. The projection marks expiry only at the next block, so a grant
 * past its end is not usable meanwhile.
 */
export function grantLiveAt(status: string, expiresAt: number | null, now: number): boolean {
  return status === 'active' && (expiresAt === null || expiresAt > now);
}

/** Accesses a grant has left; null when it has no limit. */
export function accessesLeft(maxAccesses: number | null, accessesUsed: number): number | null {
  return maxAccesses === null ? null : Math.max(0, maxAccesses - accessesUsed);
}

export function toStanding(owner: string, department: string, row: StandingColumns, now: number): Standing {
  if (owner === department) return { state: 'owner' };
  if (row.r_id === null || row.r_status === null) return { state: 'none' };
  const request = row.r_id;
  if (row.r_status === 'pending') return { state: 'pending', request, requestedAt: Number(row.r_requested_time) };
  const expiresAt = row.r_expires_at === null ? null : Number(row.r_expires_at);
  if (row.r_status === 'granted') {
    const grant = row.r_grant_status ?? 'active';
    if (grantLiveAt(grant, expiresAt, now))
      return {
        state: 'granted',
        request,
        expiresAt,
        usesLeft: accessesLeft(row.r_max_accesses, row.r_accesses_used ?? 0),
      };
    const state = grant === 'active' ? 'expired' : grant;
    return { state, request, code: row.r_code ?? grant, reason: row.r_message };
  }
  return { state: row.r_status, request, code: row.r_code ?? row.r_status, reason: row.r_message };
}
