import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiTokenEntry } from '../config/common.config';
import type { AuthenticationOutcome, AuthenticationRequest, Authenticator } from './authenticator.port';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Bearer tokens checked against the SHA-256 hashes in ACCORD_API_TOKENS.
 * Only hashes are configured, so a leaked config does not leak tokens. Every
 * entry is compared, in constant time, so timing does not reveal which entry
 * (if any) nearly matched.
 */
export class ApiTokenAuthenticator implements Authenticator {
  readonly name = 'api-token';
  private readonly entries: readonly { entry: ApiTokenEntry; hash: Buffer }[];

  constructor(entries: readonly ApiTokenEntry[]) {
    this.entries = entries.map((entry) => ({ entry, hash: Buffer.from(entry.sha256, 'hex') }));
  }

  async authenticate(request: AuthenticationRequest): Promise<AuthenticationOutcome> {
    const header = request.headers.authorization;
    if (header === undefined || !/^Bearer\b/i.test(header)) return { kind: 'absent' };
    const match = BEARER.exec(header);
    if (!match) return { kind: 'rejected', reason: 'Malformed Authorization header: expected "Bearer <token>"' };
    const presented = createHash('sha256').update(match[1], 'utf8').digest();
    let found: ApiTokenEntry | undefined;
    for (const { entry, hash } of this.entries) {
      if (timingSafeEqual(presented, hash) && found === undefined) found = entry;
    }
    if (found === undefined) return { kind: 'rejected', reason: 'Unknown API token' };
    return { kind: 'accepted', principal: { name: found.name, roles: found.roles, via: this.name } };
  }
}

/** The value to put in ACCORD_API_TOKENS for a token. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
