import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTokenAuthenticator, hashApiToken } from './api-token.authenticator';
import { InlineApiTokenStore } from './inline-api-token.store';
import { IS_PUBLIC, PRINCIPAL_KEY, REQUIRED_ROLES } from './auth.decorators';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';
import { AuthGuard } from './auth.guard';
import type { Authenticator } from './authenticator.port';
import { AuthenticatorRegistry } from './authenticator.registry';

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789';

class Handlers {
  @SetMetadata(IS_PUBLIC, true)
  health(): void {}

  anyAuthenticated(): void {}

  @SetMetadata(REQUIRED_ROLES, ['sysadmin', 'dataadmin'])
  admin(): void {}
}

function contextFor(
  handler: keyof Handlers,
  headers: Record<string, string>,
  type: 'http' | 'rpc' = 'http',
): { ctx: ExecutionContext; request: Record<string, unknown> } {
  const request: Record<string, unknown> = { method: 'GET', url: '/x', headers };
  const ctx = {
    getType: () => type,
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { ctx, request };
}

function guardWith(...extra: Authenticator[]): AuthGuard {
  const registry = new AuthenticatorRegistry();
  registry.register(
    new ApiTokenAuthenticator(
      new InlineApiTokenStore([
        { name: 'alice', sha256: hashApiToken(ALICE), roles: ['provider', 'user'] },
        { name: 'bob', sha256: hashApiToken(BOB), roles: ['sysadmin'] },
      ]),
    ),
  );
  for (const a of extra) registry.register(a);
  return new AuthGuard(new Reflector(), registry);
}

describe('AuthGuard', () => {
  it('lets anyone reach @Public routes', async () => {
    await expect(guardWith().canActivate(contextFor('health', {}).ctx)).resolves.toBe(true);
  });

  it('lets events from the log through: they carry signatures, not tokens', async () => {
    await expect(guardWith().canActivate(contextFor('anyAuthenticated', {}, 'rpc').ctx)).resolves.toBe(true);
  });

  it('rejects a request without credentials (401) and says how to authenticate', async () => {
    const error = await guardWith()
      .canActivate(contextFor('anyAuthenticated', {}).ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toBe('Authentication required: send "Authorization: Bearer <token>"');
  });

  it.each([
    ['an unknown token', 'Bearer not-a-known-token', 'Unknown API token'],
    ['a malformed header', 'Bearer two words', 'Malformed Authorization header: expected "Bearer <token>"'],
  ])('rejects %s (401)', async (_case, header, reason) => {
    const error = await guardWith()
      .canActivate(contextFor('anyAuthenticated', { authorization: header }).ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toBe(reason);
  });

  it('accepts a known token and attaches the principal', async () => {
    const { ctx, request } = contextFor('anyAuthenticated', { authorization: `Bearer ${ALICE}` });
    await expect(guardWith().canActivate(ctx)).resolves.toBe(true);
    expect(request[PRINCIPAL_KEY]).toEqual({ name: 'alice', roles: ['provider', 'user'], via: 'api-token' });
  });

  it('accepts the scheme case-insensitively', async () => {
    await expect(
      guardWith().canActivate(contextFor('anyAuthenticated', { authorization: `bearer ${BOB}` }).ctx),
    ).resolves.toBe(true);
  });

  it('enforces @Roles: 403 with required and granted roles when none matches', async () => {
    const error = await guardWith()
      .canActivate(contextFor('admin', { authorization: `Bearer ${ALICE}` }).ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).details).toEqual({
      required: ['sysadmin', 'dataadmin'],
      granted: ['provider', 'user'],
    });
    await expect(guardWith().canActivate(contextFor('admin', { authorization: `Bearer ${BOB}` }).ctx)).resolves.toBe(
      true,
    );
  });

  it('asks further authenticators (the extension point for department-signed requests)', async () => {
    const signed: Authenticator = {
      name: 'department-signature',
      authenticate: async (req) =>
        req.headers['x-accord-department'] === 'finance'
          ? {
              kind: 'accepted',
              principal: { name: 'finance', roles: ['user'], via: 'department-signature', department: 'finance' },
            }
          : { kind: 'absent' },
    };
    const { ctx, request } = contextFor('anyAuthenticated', { 'x-accord-department': 'finance' });
    await expect(guardWith(signed).canActivate(ctx)).resolves.toBe(true);
    expect(request[PRINCIPAL_KEY]).toMatchObject({ name: 'finance', department: 'finance' });
  });
});

describe('ApiTokenAuthenticator', () => {
  it('matches only the exact token, comparing against every configured hash', async () => {
    const authenticator = new ApiTokenAuthenticator(
      new InlineApiTokenStore([
        { name: 'a', sha256: hashApiToken('t1'), roles: ['user'] },
        { name: 'b', sha256: hashApiToken('t2'), roles: ['operations'] },
      ]),
    );
    const auth = (token: string) =>
      authenticator.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } });
    await expect(auth('t2')).resolves.toEqual({
      kind: 'accepted',
      principal: { name: 'b', roles: ['operations'], via: 'api-token' },
    });
    await expect(auth('t1 ')).resolves.toMatchObject({ kind: 'accepted', principal: { name: 'a' } });
    await expect(auth('t3')).resolves.toEqual({ kind: 'rejected', reason: 'Unknown API token' });
    await expect(
      authenticator.authenticate({ method: 'GET', url: '/', headers: { authorization: 'Basic dTpw' } }),
    ).resolves.toEqual({ kind: 'absent' });
  });

  it('hashes tokens as lower-case hex SHA-256 (the ACCORD_API_TOKENS format)', () => {
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
