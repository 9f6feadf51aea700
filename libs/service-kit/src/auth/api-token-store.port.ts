import type { ApiTokenEntry } from './api-token.model';
import type { Role } from './principal.model';

/** One line of a token store's change log (`<store>.log`): what changed, when and by whom; never a secret. */
export interface ApiTokenChangeRecord {
  readonly at: string;
  readonly action: 'create' | 'revoke';
  readonly name: string;
  readonly roles: readonly Role[];
  /** Name of the principal that made the change. */
  readonly by: string;
}

/** The entries after a change, and the record describing it. */
export interface ApiTokenChange {
  readonly entries: readonly ApiTokenEntry[];
  readonly record: ApiTokenChangeRecord;
}

/**
 * Where a department's API tokens live. The authenticator asks `current()`
 * on every request, so an adapter that can change (the file store) must make
 * changes visible there without a restart; `update()` applies one change as
 * a read-modify-write against the freshest entries.
 */
export interface ApiTokenStore {
  /** What the entries come from, for messages and logs: `ACCORD_API_TOKENS` or the file's path. */
  readonly source: string;
  /** The entries in force now. */
  current(): Promise<readonly ApiTokenEntry[]>;
  /**
   * Applies `decide` to the freshest entries and stores its result. `decide`
   * throws the domain errors (token exists, not found, ...); a store that
   * cannot be written throws `token_store_read_only` after deciding, so
   * callers learn about a wrong name before learning the store is read-only.
   */
  update<T extends ApiTokenChange>(decide: (entries: readonly ApiTokenEntry[]) => T): Promise<T>;
}

/** Nest injection token of the service's ApiTokenStore (provided by the service kit). */
export const API_TOKEN_STORE = 'accord:api-token-store';
