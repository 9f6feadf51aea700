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

export function toStanding(owner: string, department: string, row: StandingColumns, now: number): Standing {
  if (owner === department) return { state: 'owner' };
  if (row.r_id === null || row.r_status === null) return { state: 'none' };
  const request = row.r_id;
  if (row.r_status === 'pending') return { state: 'pending', request, requestedAt: Number(row.r_requested_time) };
  const expiresAt = row.r_expires_at === null ? null : Number(row.r_expires_at);
  if (row.r_status === 'granted') {
    const grant = row.r_grant_status ?? 'active';
    // The projection marks expiry at the next block; a grant past its end is not usable meanwhile.
    const ended = grant === 'active' && expiresAt !== null && expiresAt <= now;
    if (grant === 'active' && !ended) {
      const usesLeft =
        row.r_max_accesses === null ? null : Math.max(0, row.r_max_accesses - (row.r_accesses_used ?? 0));
      return { state: 'granted', request, expiresAt, usesLeft };
    }
    return { state: ended ? 'expired' : grant, request, code: row.r_code ?? grant, reason: row.r_message };
  }
  return { state: row.r_status, request, code: row.r_code ?? row.r_status, reason: row.r_message };
}
