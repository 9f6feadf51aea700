import type { ApiTokenEntry } from './api-token.model';
import { ApiTokenExistsError, ApiTokenNotFoundError, LastSysadminTokenError } from './api-token.errors';
import type { ApiTokenChange } from './api-token-store.port';
import type { Role } from './principal.model';

/** A change to a department's tokens; time and author arrive inside the command. */
export type ApiTokenCommand =
  | {
      readonly kind: 'create';
      readonly name: string;
      readonly roles: readonly Role[];
      /** SHA-256 of the new secret (the secret itself never reaches the store). */
      readonly sha256: string;
      readonly at: string;
      readonly by: string;
    }
  | { readonly kind: 'revoke'; readonly name: string; readonly at: string; readonly by: string };

/**
 * The token list after `command`, and the change-log record for it. Throws
 * `token_exists` (create with a taken name), `token_not_found` (revoke of an
 * unknown name) and `last_sysadmin_token` (revoking the only token that can
 * still administer tokens would lock the department out of its own admin API).
 */
export function decideApiTokenChange(entries: readonly ApiTokenEntry[], command: ApiTokenCommand): ApiTokenChange {
  switch (command.kind) {
    case 'create': {
      if (entries.some((e) => e.name === command.name)) throw new ApiTokenExistsError(command.name);
      const created: ApiTokenEntry = {
        name: command.name,
        sha256: command.sha256,
        roles: command.roles,
        createdAt: command.at,
        createdBy: command.by,
      };
      return {
        entries: [...entries, created],
        record: { at: command.at, action: 'create', name: command.name, roles: command.roles, by: command.by },
      };
    }
    case 'revoke': {
      const revoked = entries.find((e) => e.name === command.name);
      if (revoked === undefined) throw new ApiTokenNotFoundError(command.name);
      const remaining = entries.filter((e) => e !== revoked);
      if (revoked.roles.includes('sysadmin') && !remaining.some((e) => e.roles.includes('sysadmin'))) {
        throw new LastSysadminTokenError(command.name);
      }
      return {
        entries: remaining,
        record: { at: command.at, action: 'revoke', name: command.name, roles: revoked.roles, by: command.by },
      };
    }
  }
}
