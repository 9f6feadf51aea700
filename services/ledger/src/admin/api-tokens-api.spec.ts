import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testMember } from '@accord/protocol/testing';
import { waitFor } from '@accord/event-bus/testing';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';

// Token administration on the ledger, booted in-process on the embedded
// default with its tokens in a token store file, next to a second ledger of
// the same department reading the same file (as every service of a
// department does): what one creates or revokes counts in the other within
// about a second, without a restart.
const self = testMember('test-dept');
const TOKEN_SHAPE = /^acd_[A-Za-z0-9_-]{43}$/;

describe('API token administration (ledger, token store file)', () => {
  let admin: ServiceUnderTest<LedgerConfig>;
  let peer: ServiceUnderTest<LedgerConfig>;
  let dir: string;

  const as = (token: string | null) => (req: request.Test) =>
    token === null ? req : req.set('Authorization', `Bearer ${token}`);
  const info = (url: string, token: string) => as(token)(request(url).get('/v1/info'));
  const create = (body: object, token = admin.tokens.sysadmin) =>
    as(token)(request(admin.url).post('/v1/admin/tokens').send(body));
  const revoke = (name: string, token = admin.tokens.sysadmin) =>
    as(token)(request(admin.url).delete(`/v1/admin/tokens/${name}`));
  const list = (token = admin.tokens.sysadmin) => as(token)(request(admin.url).get('/v1/admin/tokens'));
  /** The peer re-reads the store at most once a second: wait for it to answer `status` to `token`. */
  const peerAnswers = (token: string, status: number) =>
    waitFor(`the peer ledger to answer ${status}`, async () => (await info(peer.url, token)).status === status, 5000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-tokens-'));
    const env = { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '0' };
    admin = await startServiceForTest(ledgerService, { env, tokenStore: 'file' });
    peer = await startServiceForTest(ledgerService, { env, tokenStore: { sharedWith: admin } });
  }, 60_000);

  afterAll(async () => {
    // The peer reads the admin's store file: it closes first.
    await peer?.close();
    await admin?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  let secret: string;

  it('creates a token that works at once on this service and, after a reload, on the other', async () => {
    const res = await create({ name: 'ingest-bot', roles: ['provider', 'user', 'provider'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      name: 'ingest-bot',
      roles: ['provider', 'user'],
      token: expect.stringMatching(TOKEN_SHAPE),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    secret = res.body.token as string;
    expect((await info(admin.url, secret)).status).toBe(200);
    await peerAnswers(secret, 200);
    // Roles are the ones given: a provider/user token is no sysadmin.
    expect((await list(secret)).status).toBe(403);
  });

  it('lists tokens with names, roles and creation, never a secret or a hash', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.tokens).toContainEqual({
      name: 'ingest-bot',
      roles: ['provider', 'user'],
      createdAt: expect.any(String),
      createdBy: 'sysadmin',
    });
    // The harness wrote its tokens by hand: no creation data.
    expect(res.body.tokens).toContainEqual({ name: 'all', roles: expect.any(Array), createdAt: null, createdBy: null });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/sha256|[0-9a-f]{64}/);
    const stored = await readFile(admin.apiTokensFile!, 'utf8');
    expect(stored).not.toContain(secret);
  });

  it('refuses a taken name (409 token_exists) and bad names or roles (400)', async () => {
    const taken = await create({ name: 'ingest-bot', roles: ['user'] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('token_exists');
    for (const body of [
      { name: 'Ingest', roles: ['user'] },
      { name: '-bot', roles: ['user'] },
      { name: 'a'.repeat(64), roles: ['user'] },
      { name: 'bot', roles: [] },
      { name: 'bot', roles: ['root'] },
      { name: 'bot', roles: ['user'], token: 'chosen' },
    ]) {
      const res = await create(body);
      expect([res.status, res.body.error]).toEqual([400, 'validation_failed']);
    }
  });

  it('lets only sysadmins administer tokens (403), and only authenticated callers (401)', async () => {
    for (const token of [admin.tokens.user, admin.tokens.provider, admin.tokens.dataadmin, admin.tokens.operations]) {
      expect((await list(token)).status).toBe(403);
      expect((await create({ name: 'sneaky', roles: ['sysadmin'] }, token)).status).toBe(403);
      expect((await revoke('ingest-bot', token)).status).toBe(403);
    }
    expect((await as(null)(request(admin.url).get('/v1/admin/tokens'))).status).toBe(401);
  });

  it('revokes a token: 401 at once on this service and, after a reload, on the other', async () => {
    const res = await revoke('ingest-bot');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'ingest-bot', revoked: true });
    const refused = await info(admin.url, secret);
    expect([refused.status, refused.body.error]).toEqual([401, 'unauthenticated']);
    await peerAnswers(secret, 401);
    const again = await revoke('ingest-bot');
    expect([again.status, again.body.error]).toEqual([404, 'token_not_found']);
  });

  it('never revokes the last sysadmin token (409 last_sysadmin_token)', async () => {
    // `all` and `sysadmin` hold the role: the first may go, the second is then the last.
    expect((await revoke('all')).status).toBe(200);
    const last = await revoke('sysadmin');
    expect([last.status, last.body.error]).toEqual([409, 'last_sysadmin_token']);
    expect((await info(admin.url, admin.tokens.sysadmin)).status).toBe(200);
  });

  it('logs every change, without the secret, in the service log and in <store>.log', async () => {
    const changes = (await readFile(`${admin.apiTokensFile!}.log`, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(changes).toEqual([
      { at: expect.any(String), action: 'create', name: 'ingest-bot', roles: ['provider', 'user'], by: 'sysadmin' },
      { at: expect.any(String), action: 'revoke', name: 'ingest-bot', roles: ['provider', 'user'], by: 'sysadmin' },
      { at: expect.any(String), action: 'revoke', name: 'all', roles: expect.any(Array), by: 'sysadmin' },
    ]);
    const logged = admin.logLines.filter((line) => line.includes('"tokenAction"'));
    expect(logged.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ msg: 'API token created', token: 'ingest-bot', by: 'sysadmin' }),
      expect.objectContaining({ msg: 'API token revoked', token: 'ingest-bot', by: 'sysadmin' }),
      expect.objectContaining({ msg: 'API token revoked', token: 'all', by: 'sysadmin' }),
    ]);
    expect(admin.logLines.join('\n')).not.toContain(secret);
  });
});
