import { AccordError } from '../errors/accord.errors';
import type { Role } from './principal.model';

/** No credentials, or credentials that no authenticator accepts (HTTP 401). */
export class UnauthenticatedError extends AccordError {
  readonly code = 'unauthenticated';
}

/** Authenticated, but none of the required roles (HTTP 403). */
export class ForbiddenError extends AccordError {
  readonly code = 'forbidden';

  constructor(required: readonly Role[], granted: readonly Role[]) {
    super(`This operation requires one of the roles: ${required.join(', ')}`, { required, granted });
  }
}
