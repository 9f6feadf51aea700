import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ROLES, type Principal as PrincipalModel, type Role } from './principal.model';

export const IS_PUBLIC = 'accord:is-public';
export const REQUIRED_ROLES = 'accord:required-roles';

/** No authentication (health, metrics, OpenAPI). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The caller needs at least ONE of these roles. Without @Roles a route only
 * requires an authenticated caller. A 403 is documented only when some role
 * is left out: every token holds at least one role, so a route open to all
 * of them never answers 403.
 */
export function Roles(...roles: readonly [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  const everyRole = ROLES.every((role) => roles.includes(role));
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or unknown bearer token' }),
    ...(everyRole ? [] : [ApiForbiddenResponse({ description: `Requires one of the roles: ${roles.join(', ')}` })]),
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
