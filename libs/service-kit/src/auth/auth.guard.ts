import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { IS_PUBLIC, PRINCIPAL_KEY, REQUIRED_ROLES } from './auth.decorators';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';
import { AuthenticatorRegistry } from './authenticator.registry';
import type { Role } from './principal.model';

/**
 * Global guard: every route needs an authenticated caller unless @Public();
 * @Roles(...) additionally needs one of the listed roles. Throws typed errors
 * that the exception filter maps to 401/403 JSON bodies.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticators: AuthenticatorRegistry,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // Events from the log carry their own signatures and are checked by their consumers; only HTTP callers hold tokens.
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = ctx.switchToHttp().getRequest<IncomingMessage & { originalUrl?: string }>();
    const authRequest = {
      method: request.method ?? 'GET',
      url: request.originalUrl ?? request.url ?? '/',
      headers: request.headers,
    };

    let rejection: string | undefined;
    for (const authenticator of this.authenticators.all()) {
      const outcome = await authenticator.authenticate(authRequest);
      if (outcome.kind === 'accepted') {
        const required = this.reflector.getAllAndOverride<readonly Role[] | undefined>(REQUIRED_ROLES, targets);
        if (required && !required.some((role) => outcome.principal.roles.includes(role))) {
          throw new ForbiddenError(required, outcome.principal.roles);
        }
        (request as unknown as Record<string, unknown>)[PRINCIPAL_KEY] = outcome.principal;
        return true;
      }
      if (outcome.kind === 'rejected') rejection ??= outcome.reason;
    }
    throw new UnauthenticatedError(rejection ?? 'Authentication required: send "Authorization: Bearer <token>"');
  }
}
