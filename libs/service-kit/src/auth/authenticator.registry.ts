import type { Authenticator } from './authenticator.port';

/** Authenticators tried in registration order; the API-token one is registered by the kit. */
export class AuthenticatorRegistry {
  private readonly list: Authenticator[] = [];

  register(authenticator: Authenticator): void {
    this.list.push(authenticator);
  }

  all(): readonly Authenticator[] {
    return this.list;
  }
}
