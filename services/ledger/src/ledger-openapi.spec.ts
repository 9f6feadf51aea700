import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeTxId } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import {
  checkErrorResponses,
  shutdownTelemetry,
  startServiceForTest,
  type ErrorCase,
  type ServiceUnderTest,
  type UnproducedStatus,
} from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import type { LedgerConfig } from './ledger.config';
import { ledgerService } from './ledger.definition';
import { TxFactory } from './testing/ledger-api.fixture';

// The ledger's OpenAPI document against what the running ledger answers:
// every error case below must be answered with a status the document lists
// for its route, and every 4xx the document lists must be produced by a
// case (or be excused below with the reason it cannot be produced here).
const self = testMember('test-dept');
const b = testMember('dept-b');
const CHANNEL = 'openapi-channel';
/** A channel this department follows without being a member (dept-b's alone). */
const FOREIGN = 'openapi-foreign';
const UNKNOWN = 'no-such-channel';
const MISSING_TX = 'ab'.repeat(32);
const BAD = 'Not_A_Name';

const UNPRODUCIBLE: readonly UnproducedStatus[] = [
  {
    method: 'GET',
    route: '/v1/txs/{txId}/proof',
    status: 422,
    why: 'tx_not_provable needs a tx committed before the genesis, ledger_row_corrupt altered rows (ledger-api.spec)',
  },
  {
    method: 'GET',
    route: '/v1/txs/{txId}/proof-bundle',
    status: 422,
    why: 'tx_not_provable needs a tx committed before the genesis, ledger_row_corrupt altered rows (as for /proof)',
  },
  {
    method: 'GET',
    route: '/v1/channels/{channel}/consistency',
    status: 422,
    why: 'ledger_row_corrupt needs deleted block rows (ledger-api.spec covers the audit of altered rows)',
  },
];

describe('ledger OpenAPI document vs. observed error responses', () => {
  let sut: ServiceUnderTest<LedgerConfig>;
  let dir: string;
  const txs = new TxFactory(CHANNEL);
  const genesis = txs.genesis(self, 'alliance', [self, b], { batchTimeoutMs: 20 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-openapi-'));
    sut = await startServiceForTest(ledgerService, {
      env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '0' },
    });
    const created = await request(sut.url)
      .post('/v1/channels')
      .set('Authorization', `Bearer ${sut.tokens.sysadmin}`)
      .send(genesis);
    expect(created.status).toBe(202);
    const status = await request(sut.url)
      .get(`/v1/txs/${computeTxId(genesis.body)}?waitMs=10000`)
      .set('Authorization', `Bearer ${sut.tokens.user}`);
    expect(status.body).toMatchObject({ status: 'committed', height: 0 });
    const foreign = new TxFactory(FOREIGN).genesis(b, 'alliance', [b], { batchTimeoutMs: 20 });
    await request(sut.url)
      .post('/v1/channels')
      .set('Authorization', `Bearer ${sut.tokens.sysadmin}`)
      .send(foreign)
      .expect(202);
    await request(sut.url)
      .get(`/v1/txs/${computeTxId(foreign.body)}?waitMs=10000`)
      .set('Authorization', `Bearer ${sut.tokens.user}`)
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  const errorCases = (): ErrorCase[] => {
    const { user, sysadmin, dataadmin, operations } = sut.tokens;
    const ch = `/v1/channels/${CHANNEL}`;
    const none = (method: 'GET' | 'POST', path: string): ErrorCase => ({
      method,
      path,
      token: null,
      ...(method === 'POST' ? { body: {} } : {}),
      status: 401,
      error: 'unauthenticated',
    });
    const invalid = (path: string): ErrorCase => ({
      method: 'GET',
      path,
      token: user,
      status: 400,
      error: 'validation_failed',
    });
    const missing = (path: string, error = 'channel_not_found'): ErrorCase => ({
      method: 'GET',
      path,
      token: user,
      status: 404,
      error,
    });
    const reads = [
      'head',
      'blocks',
      'blocks/0',
      'blocks/0/attestations',
      'consistency?from=0',
      'members',
      'members/keys',
      `members/${b.id}/txs`,
      'proposals',
      'governance-events',
    ];
    return [
      none('GET', '/v1/info'),
      none('GET', '/v1/channels'),
      none('GET', '/v1/alerts'),
      none('GET', `/v1/txs/${MISSING_TX}`),
      none('GET', `/v1/txs/${MISSING_TX}/proof`),
      none('POST', '/v1/channels'),
      none('POST', `${ch}/follow`),
      none('POST', `${ch}/txs`),
      none('POST', `${ch}/txs/batch`),
      none('POST', `${ch}/audit`),
      ...reads.map((r) => none('GET', `${ch}/${r}`)),
      ...reads.map((r) => missing(`/v1/channels/${UNKNOWN}/${r}`)),
      ...reads.map((r) => invalid(`/v1/channels/${BAD}/${r}`)),
      // Creating channels (sysadmin): a user is forbidden, bad genesis 400, an existing channel 409.
      { method: 'POST', path: '/v1/channels', token: user, body: genesis, status: 403, error: 'forbidden' },
      { method: 'POST', path: '/v1/channels', token: sysadmin, body: {}, status: 400, error: 'genesis_invalid' },
      { method: 'POST', path: '/v1/channels', token: sysadmin, body: '{"body":', status: 400, error: 'bad_request' },
      {
        method: 'POST',
        path: '/v1/channels',
        token: sysadmin,
        body: genesis,
        status: 409,
        error: 'channel_already_exists',
      },
      { method: 'POST', path: `${ch}/follow`, token: user, status: 403, error: 'forbidden' },
      { method: 'POST', path: `/v1/channels/${BAD}/follow`, token: sysadmin, status: 400, error: 'validation_failed' },
      // Governance actions (sysadmin).
      none('POST', `${ch}/genesis`),
      none('POST', `${ch}/join`),
      none('POST', `${ch}/leave`),
      none('POST', `${ch}/proposals`),
      none('POST', `${ch}/proposals/${MISSING_TX}/votes`),
      { method: 'POST', path: `${ch}/genesis`, token: user, body: {}, status: 403, error: 'forbidden' },
      { method: 'POST', path: `${ch}/join`, token: user, body: {}, status: 403, error: 'forbidden' },
      { method: 'POST', path: `${ch}/leave`, token: user, body: {}, status: 403, error: 'forbidden' },
      { method: 'POST', path: `${ch}/proposals`, token: user, body: {}, status: 403, error: 'forbidden' },
      {
        method: 'POST',
        path: `${ch}/proposals/${MISSING_TX}/votes`,
        token: user,
        body: {},
        status: 403,
        error: 'forbidden',
      },
      {
        method: 'POST',
        path: `${ch}/genesis`,
        token: sysadmin,
        body: {
          kind: 'alliance',
          members: [{ id: b.id, ed25519: b.keys.ed25519.publicKey, x25519: b.keys.x25519.publicKey }],
        },
        status: 400,
        error: 'genesis_invalid',
      },
      {
        method: 'POST',
        path: `${ch}/genesis`,
        token: sysadmin,
        body: {
          kind: 'alliance',
          members: [{ id: self.id, ed25519: self.keys.ed25519.publicKey, x25519: self.keys.x25519.publicKey }],
        },
        status: 409,
        error: 'channel_already_exists',
      },
      { method: 'POST', path: `${ch}/join`, token: sysadmin, body: { x: 1 }, status: 400, error: 'validation_failed' },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/join`,
        token: sysadmin,
        body: {},
        status: 404,
        error: 'channel_not_found',
      },
      { method: 'POST', path: `${ch}/join`, token: sysadmin, body: {}, status: 409, error: 'already_member' },
      { method: 'POST', path: `${ch}/leave`, token: sysadmin, body: { x: 1 }, status: 400, error: 'validation_failed' },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/leave`,
        token: sysadmin,
        body: {},
        status: 404,
        error: 'channel_not_found',
      },
      {
        method: 'POST',
        path: `/v1/channels/${FOREIGN}/leave`,
        token: sysadmin,
        body: {},
        status: 409,
        error: 'not_channel_member',
      },
      {
        method: 'POST',
        path: `${ch}/proposals`,
        token: sysadmin,
        body: { policy: { maxTxPerBlock: 0 } },
        status: 400,
        error: 'policy_invalid',
      },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/proposals`,
        token: sysadmin,
        body: { policy: { maxTxPerBlock: 10 } },
        status: 404,
        error: 'channel_not_found',
      },
      {
        method: 'POST',
        path: `/v1/channels/${FOREIGN}/proposals`,
        token: sysadmin,
        body: { policy: { maxTxPerBlock: 10 } },
        status: 409,
        error: 'not_channel_member',
      },
      {
        method: 'POST',
        path: `${ch}/proposals/${MISSING_TX}/votes`,
        token: sysadmin,
        body: { approve: 'yes' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: `${ch}/proposals/${MISSING_TX}/votes`,
        token: sysadmin,
        body: { approve: true },
        status: 404,
        error: 'proposal_not_found',
      },
      {
        method: 'POST',
        path: `/v1/channels/${FOREIGN}/proposals/${MISSING_TX}/votes`,
        token: sysadmin,
        body: { approve: true },
        status: 409,
        error: 'not_channel_member',
      },
      // Submission (provider or user).
      { method: 'POST', path: `${ch}/txs`, token: dataadmin, body: {}, status: 403, error: 'forbidden' },
      { method: 'POST', path: `${ch}/txs`, token: user, body: {}, status: 400, error: 'envelope_invalid' },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/txs`,
        token: user,
        body: txs.tx(b, 'test.note', {}, { channel: UNKNOWN }),
        status: 404,
        error: 'channel_not_found',
      },
      { method: 'POST', path: `${ch}/txs/batch`, token: dataadmin, body: [], status: 403, error: 'forbidden' },
      { method: 'POST', path: `${ch}/txs/batch`, token: user, body: {}, status: 400, error: 'batch_invalid' },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/txs/batch`,
        token: user,
        body: [txs.tx(b, 'test.note', {}, { channel: UNKNOWN })],
        status: 404,
        error: 'channel_not_found',
      },
      invalid(`/v1/txs/${MISSING_TX.toUpperCase()}`),
      missing(`/v1/txs/${MISSING_TX}`, 'tx_not_found'),
      invalid(`/v1/txs/${MISSING_TX}?waitMs=60001`),
      // Reads of the known channel.
      missing(`${ch}/blocks/7`, 'block_not_found'),
      missing(`${ch}/blocks/7/attestations`, 'block_not_found'),
      missing(`${ch}/members?height=7`, 'block_not_found'),
      missing(`${ch}/members/keys?height=7`, 'block_not_found'),
      missing(`${ch}/proposals?height=7`, 'block_not_found'),
      invalid(`${ch}/blocks?limit=0`),
      invalid(`${ch}/blocks/01`),
      invalid(`${ch}/consistency`),
      { method: 'GET', path: `${ch}/consistency?from=3`, token: user, status: 400, error: 'range_invalid' },
      invalid(`${ch}/members/${b.id}/txs?after=1`),
      invalid(`${ch}/governance-events?limit=501`),
      // Proofs.
      invalid(`/v1/txs/xyz/proof`),
      missing(`/v1/txs/${MISSING_TX}/proof`, 'tx_not_found'),
      none('GET', `/v1/txs/${MISSING_TX}/proof-bundle`),
      invalid(`/v1/txs/xyz/proof-bundle`),
      missing(`/v1/txs/${MISSING_TX}/proof-bundle`, 'tx_not_found'),
      // Audit (operations or dataadmin).
      { method: 'POST', path: `${ch}/audit`, token: user, body: {}, status: 403, error: 'forbidden' },
      {
        method: 'POST',
        path: `${ch}/audit`,
        token: operations,
        body: { toHeight: 5 },
        status: 400,
        error: 'range_invalid',
      },
      {
        method: 'POST',
        path: `${ch}/audit`,
        token: operations,
        body: { fromHeight: -1 },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: `/v1/channels/${UNKNOWN}/audit`,
        token: dataadmin,
        body: {},
        status: 404,
        error: 'channel_not_found',
      },
      // API tokens (sysadmin); the harness passes its tokens inline, so changes are refused read-only.
      none('GET', '/v1/admin/tokens'),
      none('POST', '/v1/admin/tokens'),
      { method: 'DELETE', path: '/v1/admin/tokens/user', token: null, status: 401, error: 'unauthenticated' },
      {
        method: 'POST',
        path: '/v1/admin/tokens',
        token: dataadmin,
        body: { name: 'bot', roles: ['user'] },
        status: 403,
        error: 'forbidden',
      },
      { method: 'GET', path: '/v1/admin/tokens', token: user, status: 403, error: 'forbidden' },
      {
        method: 'POST',
        path: '/v1/admin/tokens',
        token: sysadmin,
        body: { name: 'x' },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: '/v1/admin/tokens',
        token: sysadmin,
        body: { name: 'user', roles: ['user'] },
        status: 409,
        error: 'token_exists',
      },
      {
        method: 'POST',
        path: '/v1/admin/tokens',
        token: sysadmin,
        body: { name: 'bot', roles: ['user'] },
        status: 409,
        error: 'token_store_read_only',
      },
      { method: 'DELETE', path: '/v1/admin/tokens/nobody', token: sysadmin, status: 404, error: 'token_not_found' },
      {
        method: 'DELETE',
        path: '/v1/admin/tokens/Not_A_Name',
        token: sysadmin,
        status: 400,
        error: 'validation_failed',
      },
      { method: 'DELETE', path: '/v1/admin/tokens/user', token: operations, status: 403, error: 'forbidden' },
      { method: 'DELETE', path: '/v1/admin/tokens/user', token: sysadmin, status: 409, error: 'token_store_read_only' },
      // Alerts.
      invalid('/v1/alerts?limit=0'),
      invalid(`/v1/alerts?channel=${BAD}`),
    ];
  };

  it('answers every error case with its expected status and code, each documented for its route', async () => {
    const report = await checkErrorResponses(sut.url, sut.service.openApi, errorCases(), UNPRODUCIBLE);
    expect({ unexpected: report.unexpected, undocumented: report.undocumented }).toEqual({
      unexpected: [],
      undocumented: [],
    });
  });

  it('produces every documented 4xx of every route in some case (or says why it cannot here)', async () => {
    const report = await checkErrorResponses(sut.url, sut.service.openApi, errorCases(), UNPRODUCIBLE);
    expect({ unproduced: report.unproduced, staleExcuses: report.staleExcuses }).toEqual({
      unproduced: [],
      staleExcuses: [],
    });
  });
});
