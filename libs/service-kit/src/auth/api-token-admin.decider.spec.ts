import { decideApiTokenChange, type ApiTokenCommand } from './api-token-admin.decider';
import type { ApiTokenEntry } from './api-token.model';
import { ApiTokenExistsError, ApiTokenNotFoundError, LastSysadminTokenError } from './api-token.errors';

const AT = '2025-03-04T05:06:07.000Z';
const hash = (c: string) => c.repeat(64);
const dev: ApiTokenEntry = { name: 'dev', sha256: hash('a'), roles: ['provider', 'user', 'sysadmin'] };
const ops: ApiTokenEntry = { name: 'ops', sha256: hash('b'), roles: ['operations', 'sysadmin'] };
const reader: ApiTokenEntry = { name: 'reader', sha256: hash('c'), roles: ['user'] };

const create = (name: string): ApiTokenCommand => ({
  kind: 'create',
  name,
  roles: ['user', 'provider'],
  sha256: hash('d'),
  at: AT,
  by: 'dev',
});
const revoke = (name: string): ApiTokenCommand => ({ kind: 'revoke', name, at: AT, by: 'ops' });

describe('decideApiTokenChange', () => {
  it('Given tokens, When create, Then the entry is appended with its creation time and author', () => {
    expect(decideApiTokenChange([dev, reader], create('ingest'))).toEqual({
      entries: [
        dev,
        reader,
        { name: 'ingest', sha256: hash('d'), roles: ['user', 'provider'], createdAt: AT, createdBy: 'dev' },
      ],
      record: { at: AT, action: 'create', name: 'ingest', roles: ['user', 'provider'], by: 'dev' },
    });
  });

  it('Given a token named x, When create x, Then token_exists', () => {
    expect(() => decideApiTokenChange([dev, reader], create('reader'))).toThrow(ApiTokenExistsError);
  });

  it('Given tokens, When revoke one, Then it is gone and the record names its roles', () => {
    expect(decideApiTokenChange([dev, ops, reader], revoke('dev'))).toEqual({
      entries: [ops, reader],
      record: { at: AT, action: 'revoke', name: 'dev', roles: dev.roles, by: 'ops' },
    });
    expect(decideApiTokenChange([dev, reader], revoke('reader')).entries).toEqual([dev]);
  });

  it('Given no token named x, When revoke x, Then token_not_found', () => {
    expect(() => decideApiTokenChange([dev], revoke('nobody'))).toThrow(ApiTokenNotFoundError);
  });

  it('Given one sysadmin token, When revoke it, Then last_sysadmin_token', () => {
    expect(() => decideApiTokenChange([dev, reader], revoke('dev'))).toThrow(LastSysadminTokenError);
    expect(() => decideApiTokenChange([dev, reader], revoke('dev'))).toThrow(
      /"dev" is the last token with the sysadmin role/,
    );
  });
});
