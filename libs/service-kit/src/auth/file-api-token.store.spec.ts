import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { writeFileAtomic } from '../launcher/department-files';
import { ApiTokenAuthenticator, hashApiToken } from './api-token.authenticator';
import { decideApiTokenChange } from './api-token-admin.decider';
import { formatApiTokenList, type ApiTokenEntry } from './api-token.model';
import { ApiTokenExistsError, ApiTokenStoreInvalidError } from './api-token.errors';
import { FileApiTokenStore } from './file-api-token.store';

const ops: ApiTokenEntry = { name: 'ops', sha256: hashApiToken('ops-secret'), roles: ['sysadmin'] };
const reader: ApiTokenEntry = { name: 'reader', sha256: hashApiToken('reader-secret'), roles: ['user'] };
const AT = '2025-01-02T03:04:05.000Z';

/** A monotonic clock the test steps by hand. */
function steppedTime(): { elapsedMs: () => number; advance: (ms: number) => void } {
  let now = 0;
  return { elapsedMs: () => now, advance: (ms) => void (now += ms) };
}

function capturedLog(): { log: pino.Logger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
  return { log, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const create =
  (name: string, by = 'ops') =>
  (entries: readonly ApiTokenEntry[]) =>
    decideApiTokenChange(entries, {
      kind: 'create',
      name,
      roles: ['user'],
      sha256: hashApiToken(`${name}-secret`),
      at: AT,
      by,
    });

describe('FileApiTokenStore', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-token-store-'));
    path = join(dir, 'secrets', 'api-tokens.json');
    await writeFileAtomic(path, formatApiTokenList([ops]), 0o600);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to open a missing or invalid file, naming it', async () => {
    expect(() => FileApiTokenStore.open(join(dir, 'none.json'))).toThrow(ApiTokenStoreInvalidError);
    expect(() => FileApiTokenStore.open(join(dir, 'none.json'))).toThrow(`${join(dir, 'none.json')}: does not exist`);
    await writeFile(path, '[{"name":"ops"}');
    expect(() => FileApiTokenStore.open(path)).toThrow(/api-tokens\.json: must be a JSON array .*not valid JSON/);
  });

  it('sees a rewrite by another process after the check interval, not before', async () => {
    const time = steppedTime();
    const store = FileApiTokenStore.open(path, { checkIntervalMs: 1000, elapsedMs: time.elapsedMs });
    await writeFileAtomic(path, formatApiTokenList([ops, reader]), 0o600);
    time.advance(999);
    expect(await store.current()).toEqual([ops]);
    time.advance(1);
    expect(await store.current()).toEqual([ops, reader]);
  });

  it('sees a hand edit in place (same inode)', async () => {
    const time = steppedTime();
    const store = FileApiTokenStore.open(path, { elapsedMs: time.elapsedMs });
    await writeFile(path, formatApiTokenList([reader]));
    time.advance(1000);
    expect(await store.current()).toEqual([reader]);
  });

  it('does not re-read an unchanged file', async () => {
    const time = steppedTime();
    const store = FileApiTokenStore.open(path, { elapsedMs: time.elapsedMs });
    const first = await store.current();
    time.advance(5000);
    expect(await store.current()).toBe(first);
  });

  it('keeps the last valid entries when the file turns invalid or vanishes, logging each bad version once', async () => {
    const time = steppedTime();
    const { log, lines } = capturedLog();
    const store = FileApiTokenStore.open(path, { log, elapsedMs: time.elapsedMs });
    await writeFile(path, JSON.stringify([{ name: 'ops', sha256: 'secret-looking', roles: ['sysadmin'] }]));
    for (let i = 0; i < 3; i++) {
      time.advance(1000);
      expect(await store.current()).toEqual([ops]);
    }
    const errors = lines().filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'API token store is invalid: keeping the last valid tokens until it is fixed',
      tokenStore: path,
      problems: ['entry [0].[sha256]: must be the lower-case hex SHA-256 of the token'],
    });
    expect(JSON.stringify(lines())).not.toContain('secret-looking');

    await unlink(path);
    time.advance(1000);
    expect(await store.current()).toEqual([ops]);
    expect(
      lines()
        .filter((l) => l.level === 50)
        .at(-1),
    ).toMatchObject({ problems: ['does not exist'] });

    await writeFileAtomic(path, formatApiTokenList([reader]), 0o600);
    time.advance(1000);
    expect(await store.current()).toEqual([reader]);
  });

  it('writes a change atomically with mode 0600, appends it to <file>.log, and serves it at once', async () => {
    const store = FileApiTokenStore.open(path, { elapsedMs: steppedTime().elapsedMs });
    const change = await store.update(create('alice'));
    expect(await store.current()).toEqual(change.entries);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(change.entries);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'secrets'))).toEqual(['api-tokens.json', 'api-tokens.json.log']);
    expect((await stat(`${path}.log`)).mode & 0o777).toBe(0o600);

    await store.update((entries) =>
      decideApiTokenChange(entries, { kind: 'revoke', name: 'alice', at: AT, by: 'ops' }),
    );
    const log = (await readFile(`${path}.log`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(log).toEqual([
      { at: AT, action: 'create', name: 'alice', roles: ['user'], by: 'ops' },
      { at: AT, action: 'revoke', name: 'alice', roles: ['user'], by: 'ops' },
    ]);
  });

  it('decides against the file as it is on disk, so changes by other processes are kept', async () => {
    const time = steppedTime();
    const store = FileApiTokenStore.open(path, { elapsedMs: time.elapsedMs });
    await writeFileAtomic(path, formatApiTokenList([ops, reader]), 0o600);
    await store.update(create('alice'));
    expect((await store.current()).map((e) => e.name)).toEqual(['ops', 'reader', 'alice']);
  });

  it('serializes concurrent changes: none is lost', async () => {
    const store = FileApiTokenStore.open(path);
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    await Promise.all(names.map((n) => store.update(create(n))));
    expect((await store.current()).map((e) => e.name).sort()).toEqual(['ops', ...names].sort());
  });

  it('leaves the file untouched when the decision fails or the file is invalid', async () => {
    const store = FileApiTokenStore.open(path);
    await expect(store.update(create('ops'))).rejects.toBeInstanceOf(ApiTokenExistsError);
    await writeFile(path, 'not json');
    await expect(store.update(create('alice'))).rejects.toBeInstanceOf(ApiTokenStoreInvalidError);
    expect(await readFile(path, 'utf8')).toBe('not json');
    expect(await readdir(join(dir, 'secrets'))).toEqual(['api-tokens.json']);
  });

  it('lets another store on the same file (another service) authenticate a new token and drop a revoked one', async () => {
    const time = steppedTime();
    const writer = FileApiTokenStore.open(path);
    const other = new ApiTokenAuthenticator(FileApiTokenStore.open(path, { elapsedMs: time.elapsedMs }));
    const as = (token: string) =>
      other.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } });
    await writer.update(create('alice'));
    time.advance(1000);
    await expect(as('alice-secret')).resolves.toMatchObject({ kind: 'accepted', principal: { name: 'alice' } });
    await writer.update((entries) =>
      decideApiTokenChange(entries, { kind: 'revoke', name: 'alice', at: AT, by: 'ops' }),
    );
    time.advance(1000);
    await expect(as('alice-secret')).resolves.toEqual({ kind: 'rejected', reason: 'Unknown API token' });
  });
});
