import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal.model';

/** The parts of a request an authenticator may look at. */
export interface AuthenticationRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export type AuthenticationOutcome =
  /** The request carries no credentials of this authenticator's kind. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'accepted'; readonly principal: Principal }
  /** Credentials of this kind are present but wrong; `reason` is shown to the caller. */
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * Extension point for ways of proving who is calling. The kit registers the
 * API bearer-token authenticator; the storage gateway will add one for
 * requests signed with another department's key (DESIGN.md "Transfer") by
 * calling AuthenticatorRegistry.register() from its module.
 */
export interface Authenticator {
  /** Short name used in logs and in Principal.via. */
  readonly name: string;
  authenticate(request: AuthenticationRequest): Promise<AuthenticationOutcome>;
}
