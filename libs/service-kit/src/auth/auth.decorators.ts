import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Principal as PrincipalModel, Role } from './principal.model';

export const IS_PUBLIC = 'accord:is-public';
export const REQUIRED_ROLES = 'accord:required-roles';

/** No authentication (health, metrics, OpenAPI). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The caller needs at least ONE of these roles. Without @Roles a route only
 * requires an authenticated caller.
 */
export function Roles(...roles: readonly [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or unknown bearer token' }),
    ApiForbiddenResponse({ description: `Requires one of the roles: ${roles.join(', ')}` }),
  );
}

/** The request property the auth guard sets. */
export const PRINCIPAL_KEY = 'accordPrincipal';

export type Principal = PrincipalModel;

/** Parameter decorator: the authenticated caller ({name, roles, via}). */
export const Principal = createParamDecorator((_data: unknown, ctx: ExecutionContext): PrincipalModel => {
  const request = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const principal = request[PRINCIPAL_KEY] as PrincipalModel | undefined;
  // Only reachable on a @Public route: a programming error, not a client error.
  if (!principal) throw new Error('@Principal() used on a route without authentication');
  return principal;
});
