import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  ed25519Signer,
  encodeMemberKeyFile,
  generateMemberKeys,
  memberPublicKeysSchema,
  parseMemberKeyFile,
  verifyEd25519,
} from '@accord/protocol';
import { ApiTokenAuthenticator } from '../auth/api-token.authenticator';
import { InlineApiTokenStore } from '../auth/inline-api-token.store';
import {
  DepartmentFileError,
  DepartmentLockedError,
  departmentLayout,
  ensureDepartmentKeys,
  ensureDevApiToken,
  loadDepartmentKeys,
  lockDepartment,
} from './department-files';

describe('department files', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'accord-dept-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const mode = async (path: string) => (await stat(path)).mode & 0o777;

  it('generates the department keys once, private file 0600, public keys in the on-chain shape', async () => {
    const layout = departmentLayout(dataDir, 'health');
    const first = await ensureDepartmentKeys(layout, 'health');
    expect(first.created).toBe(true);
    expect(await mode(layout.keysFile)).toBe(0o600);
    // The stored key pair works: it signs, and the public half verifies.
    const signature = ed25519Signer(first.keys.ed25519.privateKey).sign(new Uint8Array([1, 2, 3]));
    expect(verifyEd25519(first.keys.ed25519.publicKey, new Uint8Array([1, 2, 3]), signature)).toBe(true);
    const published = memberPublicKeysSchema.parse(JSON.parse(await readFile(layout.publicKeysFile, 'utf8')));
    expect(published).toEqual({ ed25519: first.keys.ed25519.publicKey, x25519: first.keys.x25519.publicKey });

    const second = await ensureDepartmentKeys(layout, 'health');
    expect(second).toEqual({ keys: first.keys, created: false });
  });

  it('refuses keys that belong to another department or a damaged key file', async () => {
    const layout = departmentLayout(dataDir, 'health');
    await ensureDepartmentKeys(layout, 'health');
    await expect(ensureDepartmentKeys(layout, 'finance')).rejects.toThrow(
      /belongs to department "health", not "finance"/,
    );
    await writeFile(layout.keysFile, '{"v":1}');
    await expect(ensureDepartmentKeys(layout, 'health')).rejects.toBeInstanceOf(DepartmentFileError);
  });

  it('writes the key file in the format of `accord keygen` and still reads the shape earlier versions wrote', async () => {
    const layout = departmentLayout(dataDir, 'health');
    const { keys } = await ensureDepartmentKeys(layout, 'health');
    const written: unknown = JSON.parse(await readFile(layout.keysFile, 'utf8'));
    expect(parseMemberKeyFile(written)).toEqual({ id: 'health', keys: { ed25519: keys.ed25519, x25519: keys.x25519 } });

    const legacy = { v: 1, department: 'health', ed25519: keys.ed25519, x25519: keys.x25519 };
    expect(loadDepartmentKeys(legacy, 'legacy.json')).toEqual(keys);
    await writeFile(layout.keysFile, JSON.stringify(legacy));
    expect(await ensureDepartmentKeys(layout, 'health')).toEqual({ keys, created: false });
  });

  it('reads the seed form (two private keys, public keys derived) as the Helm chart generates it', async () => {
    const { ed25519, x25519 } = generateMemberKeys();
    const seeds = { v: 1, department: 'health', ed25519Seed: ed25519.privateKey, x25519Seed: x25519.privateKey };
    expect(loadDepartmentKeys(seeds, 'seeds.json')).toEqual({ department: 'health', ed25519, x25519 });

    const layout = departmentLayout(dataDir, 'health');
    await ensureDepartmentKeys(layout, 'health');
    await writeFile(layout.keysFile, JSON.stringify(seeds));
    expect(await ensureDepartmentKeys(layout, 'health')).toEqual({
      keys: { department: 'health', ed25519, x25519 },
      created: false,
    });
    await expect(ensureDepartmentKeys(layout, 'finance')).rejects.toThrow(/belongs to department "health"/);
  });

  it('refuses a seed form whose seeds are not 32 bytes of lower-case hex', () => {
    const bad = { v: 1, department: 'health', ed25519Seed: 'ab'.repeat(31), x25519Seed: 'AB'.repeat(32) };
    expect(() => loadDepartmentKeys(bad, 'seeds.json')).toThrow(
      expect.objectContaining({
        code: 'department_file_invalid',
        message: expect.stringMatching(/^seeds\.json is not/),
      }),
    );
  });

  it('refuses a key file whose public entry does not match its keys, naming the reason', () => {
    const { ed25519, x25519 } = generateMemberKeys();
    const file = {
      ...encodeMemberKeyFile('health', { ed25519, x25519 }),
      public: { finance: { ed25519: ed25519.publicKey, x25519: x25519.publicKey } },
    };
    expect(() => loadDepartmentKeys(file, 'keys.json')).toThrow(
      expect.objectContaining({
        code: 'department_file_invalid',
        message: expect.stringMatching(/^keys\.json is not a department key file: invalid key file: public must be/),
      }),
    );
  });

  it('creates a dev token with every role once: plaintext only on creation, stored 0600, hash in api-tokens.json', async () => {
    const layout = departmentLayout(dataDir, 'health');
    const first = await ensureDevApiToken(layout);
    expect(first.createdToken).toMatch(/^acd_[A-Za-z0-9_-]{43}$/);
    expect((await readFile(layout.devTokenFile, 'utf8')).trim()).toBe(first.createdToken);
    expect(await mode(layout.devTokenFile)).toBe(0o600);
    expect(await mode(layout.apiTokensFile)).toBe(0o600);
    expect(await readFile(layout.apiTokensFile, 'utf8')).not.toContain(first.createdToken);
    const outcome = await new ApiTokenAuthenticator(new InlineApiTokenStore(first.entries)).authenticate({
      method: 'GET',
      url: '/',
      headers: { authorization: `Bearer ${first.createdToken}` },
    });
    expect(outcome).toEqual({
      kind: 'accepted',
      principal: { name: 'dev', roles: ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'], via: 'api-token' },
    });

    const second = await ensureDevApiToken(layout);
    expect(second.createdToken).toBeUndefined();
    expect(second.entries).toEqual(first.entries);
  });

  it('reports a hand-edited api-tokens.json that is invalid', async () => {
    const layout = departmentLayout(dataDir, 'health');
    await ensureDevApiToken(layout);
    await writeFile(layout.apiTokensFile, '[{"name":"x","sha256":"nothex","roles":["user"]}]');
    await expect(ensureDevApiToken(layout)).rejects.toThrow(/api-tokens\.json: entry \[0\]\.\[sha256\]/);
  });

  it('locks a department against a second runner and takes over a lock left by a dead process', async () => {
    const layout = departmentLayout(dataDir, 'health');
    const release = await lockDepartment(layout);
    await expect(lockDepartment(layout)).rejects.toThrow(/already running in this process/);
    await release();

    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(layout.lockFile, `${child.pid}\n`);
      const error = await lockDepartment(layout).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentLockedError);
      expect((error as Error).message).toContain(`in use by process ${child.pid}`);
    } finally {
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const releaseAgain = await lockDepartment(layout);
    expect((await readFile(layout.lockFile, 'utf8')).trim()).toBe(String(process.pid));
    await releaseAgain();
  });
});
