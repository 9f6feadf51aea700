/** Department roles (libs/service-kit principal.model). */
export type Role = 'provider' | 'user' | 'sysadmin' | 'dataadmin' | 'operations';

export interface Principal {
  readonly name: string;
  readonly roles: readonly Role[];
}

/**
 * Reads the console makes that not every role may do, with the roles the
 * services require (their @Roles). The services enforce them; the console
 * uses this table only to not ask, and to say why.
 */
export const RESTRICTED_READS = {
  scrubber: { roles: ['operations'], what: "the storage gateway's scrubber findings" },
  objects: { roles: ['provider', 'user', 'dataadmin', 'operations'], what: 'the stored objects' },
  transfers: { roles: ['user', 'operations'], what: 'the data transfers' },
} as const satisfies Record<string, { roles: readonly Role[]; what: string }>;

export type RestrictedRead = keyof typeof RESTRICTED_READS;

/** True when the principal holds one of the roles the read needs (unknown roles: let the service decide). */
export function mayRead(principal: Principal | undefined, read: RestrictedRead): boolean {
  if (principal === undefined) return true;
  const needed: readonly Role[] = RESTRICTED_READS[read].roles;
  return principal.roles.some((role) => needed.includes(role));
}
