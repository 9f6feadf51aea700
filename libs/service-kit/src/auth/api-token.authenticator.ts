import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenEntry } from './api-token.model';
import type { ApiTokenStore } from './api-token-store.port';
import type { AuthenticationOutcome, AuthenticationRequest, Authenticator } from './authenticator.port';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

interface HashedEntry {
  readonly entry: ApiTokenEntry;
  readonly hash: Buffer;
}

/**
 * Bearer tokens checked against the SHA-256 hashes of the department's token
 * store (ACCORD_API_TOKENS or ACCORD_API_TOKENS_FILE), as they are at the
 * time of the request: a token made or revoked through the admin API counts
 * without a restart. Only hashes are stored, so a leaked store does not leak
 * tokens. Every entry is compared, in constant time, so timing does not
 * reveal which entry (if any) nearly matched.
 */
export class ApiTokenAuthenticator implements Authenticator {
  readonly name = 'api-token';
  private hashedFor: readonly ApiTokenEntry[] | undefined;
  private hashed: readonly HashedEntry[] = [];

  constructor(private readonly store: ApiTokenStore) {}

  async authenticate(request: AuthenticationRequest): Promise<AuthenticationOutcome> {
    const header = request.headers.authorization;
    if (header === undefined || !/^Bearer\b/i.test(header)) return { kind: 'absent' };
    const match = BEARER.exec(header);
    if (!match) return { kind: 'rejected', reason: 'Malformed Authorization header: expected "Bearer <token>"' };
    const presented = createHash('sha256').update(match[1], 'utf8').digest();
    let found: ApiTokenEntry | undefined;
    for (const { entry, hash } of await this.entries()) {
      if (timingSafeEqual(presented, hash) && found === undefined) found = entry;
    }
    if (found === undefined) return { kind: 'rejected', reason: 'Unknown API token' };
    return { kind: 'accepted', principal: { name: found.name, roles: found.roles, via: this.name } };
  }

  /** The store's entries with their hashes decoded, decoded again only when the store's list changed. */
  private async entries(): Promise<readonly HashedEntry[]> {
    const current = await this.store.current();
    if (current !== this.hashedFor) {
      this.hashed = current.map((entry) => ({ entry, hash: Buffer.from(entry.sha256, 'hex') }));
      this.hashedFor = current;
    }
    return this.hashed;
  }
}

/** The value stored for a token (`sha256` of an entry): lower-case hex SHA-256 of its UTF-8 bytes. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token secret: `acd_` and 32 random bytes in base64url (256 bits; the prefix makes leaked tokens greppable). */
export function generateApiToken(): string {
  return `acd_${randomBytes(32).toString('base64url')}`;
}
