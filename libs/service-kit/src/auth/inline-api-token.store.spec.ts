import { hashApiToken } from './api-token.authenticator';
import { decideApiTokenChange } from './api-token-admin.decider';
import { ApiTokenNotFoundError, ApiTokenStoreReadOnlyError } from './api-token.errors';
import type { ApiTokenEntry } from './api-token.model';
import { InlineApiTokenStore } from './inline-api-token.store';

const entries = [{ name: 'ops', sha256: hashApiToken('s'), roles: ['sysadmin' as const] }];
const revoke = (name: string) => (current: readonly ApiTokenEntry[]) =>
  decideApiTokenChange(current, { kind: 'revoke', name, at: '2025-01-01T00:00:00.000Z', by: 'ops' });

describe('InlineApiTokenStore', () => {
  it('serves the configured entries', async () => {
    await expect(new InlineApiTokenStore(entries).current()).resolves.toBe(entries);
  });

  it('is read-only, but reports a wrong name first', async () => {
    const store = new InlineApiTokenStore([
      ...entries,
      { name: 'ops2', sha256: hashApiToken('t'), roles: ['sysadmin'] },
    ]);
    await expect(store.update(revoke('nobody'))).rejects.toBeInstanceOf(ApiTokenNotFoundError);
    await expect(store.update(revoke('ops'))).rejects.toBeInstanceOf(ApiTokenStoreReadOnlyError);
    expect(await store.current()).toHaveLength(2);
  });
});
