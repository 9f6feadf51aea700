/**
 * Department roles (DESIGN.md "Roles"): data provider, data user, system
 * administrator (users, roles, config), data administrator (rules, quality,
 * consent), operations (backup, recovery, monitoring).
 */
export const ROLES = ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established by an authenticator. */
export interface Principal {
  readonly name: string;
  readonly roles: readonly Role[];
  /** Which authenticator vouched for the caller, e.g. `api-token`. */
  readonly via: string;
  /** Set when the caller is another department (signed requests), not a local user. */
  readonly department?: string;
}
