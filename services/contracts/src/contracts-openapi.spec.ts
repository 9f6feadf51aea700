import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { checkErrorResponses, shutdownTelemetry, type ErrorCase, type UnproducedStatus } from '@accord/service-kit';
import {
  api,
  createRulesChannel,
  startDepartment,
  TxPublisher,
  type DepartmentUnderTest,
} from './testing/department.fixture';

// The contracts service's OpenAPI document against what it answers: every
// error case below must be answered with a status the document lists for its
// route, and every 4xx the document lists must be produced by a case (or be
// excused below). Records: a grant of our dataset to dept-b, our own grant
// of dept-b's dataset, and a grant of ours that used its one access.
const self = testMember('test-dept');
const b = testMember('dept-b');
const CHANNEL = 'openapi-rules';
const UNKNOWN = 'no-such-channel';
const BAD = 'Not_A_Name';
const NOBODY = 'cd'.repeat(32);

const halted = (method: 'POST', route: string): UnproducedStatus => ({
  method,
  route,
  status: 409,
  why: 'channel_halted needs a halted channel (rules-applier.spec halts channels)',
});

const UNPRODUCIBLE: readonly UnproducedStatus[] = [halted('POST', '/v1/channels/{channel}/requests')];

describe('contracts OpenAPI document vs. observed error responses', () => {
  let dir: string;
  let dept: DepartmentUnderTest;
  const ids: Record<string, string> = {};

  const applied = async (txId: string): Promise<string> => {
    const res = await api(dept.contracts).get(`/v1/txs/${txId}/receipts?waitMs=15000`);
    if (res.status !== 200) throw new Error(`tx ${txId} was not applied: ${res.status}`);
    return txId;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-contracts-openapi-'));
    dept = await startDepartment({ member: self, dir });
    await createRulesChannel(dept, CHANNEL, [self, b], TEST_RULES as unknown as JsonObject);
    const txs = new TxPublisher(dept.bus, CHANNEL);
    const register = (who: typeof self, name: string) =>
      txs.send(who, 'dataset.register', registration(name) as unknown as JsonObject);
    const requestOf = (who: typeof self, dataset: string) =>
      txs.send(who, 'access.request', { dataset, purpose: 'statistics', durationMs: 100_000 });
    await applied(await register(self, 'permits'));
    await applied(await register(b, 'roads'));
    ids.ours = await applied(await requestOf(b, 'test-dept/permits'));
    ids.theirs = await applied(await requestOf(self, 'dept-b/roads'));
    await applied(
      await txs.send(self, 'dataset.register', {
        ...registration('once'),
        policy: odrlPolicy({ maxAccesses: 1 }),
      } as unknown as JsonObject),
    );
    ids.exhausted = await applied(await requestOf(b, 'test-dept/once'));
    await applied(await txs.send(self, 'access.use', { grant: ids.exhausted, bytes: 1 }));
  }, 60_000);

  afterAll(async () => {
    await dept?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  const errorCases = (): ErrorCase[] => {
    const { user, dataadmin } = dept.contracts.tokens;
    const ch = `/v1/channels/${CHANNEL}`;
    const none = (method: 'GET' | 'POST', path: string): ErrorCase => ({
      method,
      path,
      token: null,
      ...(method === 'POST' ? { body: {} } : {}),
      status: 401,
      error: 'unauthenticated',
    });
    const get = (path: string, status: number, error: string): ErrorCase => ({
      method: 'GET',
      path,
      token: user,
      status,
      error,
    });
    const post = (path: string, token: string, body: unknown, status: number, error: string): ErrorCase => ({
      method: 'POST',
      path,
      token,
      body,
      status,
      error,
    });
    const reads = [
      '',
      '/accounts',
      `/accounts/${b.id}`,
      '/datasets',
      '/datasets/dept-b/roads',
      '/requests',
      `/requests/${ids.ours}`,
      '/grants',
      `/grants/${ids.ours}`,
      '/digests',
      '/digests/0',
    ];
    const actions = [
      `/requests/${ids.ours}/consent`,
      `/requests/${ids.ours}/refuse`,
      `/requests/${ids.ours}/cancel`,
      `/grants/${ids.ours}/revoke`,
    ];
    const evaluation = { dataset: 'dept-b/roads', purpose: 'statistics', durationMs: 1000 };
    return [
      none('GET', '/v1/info'),
      none('GET', '/v1/channels'),
      none('GET', `/v1/txs/${NOBODY}/receipts`),
      none('POST', `${ch}/evaluate`),
      none('POST', `${ch}/requests`),
      ...reads.map((r) => none('GET', `${ch}${r}`)),
      ...actions.map((a) => none('POST', `${ch}${a}`)),
      ...reads.map((r) => get(`/v1/channels/${UNKNOWN}${r}`, 404, 'channel_not_found')),
      ...reads.map((r) => get(`/v1/channels/${BAD}${r}`, 400, 'validation_failed')),
      get(`${ch}/accounts/${BAD}`, 400, 'validation_failed'),
      get(`${ch}/datasets?owner=${BAD}`, 400, 'validation_failed'),
      get(`${ch}/datasets/dept-b/nothing`, 404, 'dataset_not_found'),
      get(`${ch}/requests?status=lost`, 400, 'validation_failed'),
      get(`${ch}/requests/${NOBODY}`, 404, 'request_not_found'),
      get(`${ch}/grants?limit=0`, 400, 'validation_failed'),
      get(`${ch}/grants/${NOBODY}`, 404, 'grant_not_found'),
      get(`/v1/txs/${NOBODY}/receipts`, 404, 'receipts_not_found'),
      get(`/v1/txs/${NOBODY}/receipts?waitMs=30001`, 400, 'validation_failed'),
      get(`${ch}/digests?from=x`, 400, 'validation_failed'),
      get(`${ch}/digests/999`, 404, 'digest_not_found'),
      post(`${ch}/evaluate`, user, {}, 400, 'validation_failed'),
      post(`/v1/channels/${UNKNOWN}/evaluate`, user, evaluation, 404, 'channel_not_found'),
      // Request (user).
      post(`${ch}/requests`, dataadmin, evaluation, 403, 'forbidden'),
      post(`${ch}/requests`, user, { ...evaluation, purpose: 'Not a token' }, 400, 'validation_failed'),
      post(`/v1/channels/${UNKNOWN}/requests`, user, evaluation, 404, 'channel_not_found'),
      // What the rules' dry run rejects is refused before signing, with the decider's code.
      post(`${ch}/requests`, user, { ...evaluation, dataset: 'dept-b/nothing' }, 404, 'unknown_dataset'),
      post(`${ch}/requests`, user, { ...evaluation, dataset: 'test-dept/permits' }, 422, 'own_dataset'),
      // Consent and refusal (dataadmin): only the provider may decide, only a pending request.
      ...['consent', 'refuse'].flatMap((action) => [
        post(`${ch}/requests/${ids.ours}/${action}`, user, {}, 403, 'forbidden'),
        post(`${ch}/requests/${ids.theirs}/${action}`, dataadmin, {}, 403, 'not_provider'),
        post(`${ch}/requests/${ids.ours}/${action}`, dataadmin, {}, 409, 'request_not_pending'),
        post(`${ch}/requests/${NOBODY}/${action}`, dataadmin, {}, 404, 'request_not_found'),
        post(`${ch}/requests/${ids.ours}/${action}`, dataadmin, { note: 1 }, 400, 'validation_failed'),
      ]),
      // Cancel (user): only the requester, only a pending request.
      post(`${ch}/requests/${ids.ours}/cancel`, dataadmin, {}, 403, 'forbidden'),
      post(`${ch}/requests/${ids.ours}/cancel`, user, {}, 403, 'not_requester'),
      post(`${ch}/requests/${ids.theirs}/cancel`, user, {}, 409, 'request_not_pending'),
      post(`${ch}/requests/${NOBODY}/cancel`, user, {}, 404, 'request_not_found'),
      post(`/v1/channels/${BAD}/requests/${NOBODY}/cancel`, user, {}, 400, 'validation_failed'),
      // Revoke (dataadmin): only the provider, only an active grant.
      post(`${ch}/grants/${ids.ours}/revoke`, user, {}, 403, 'forbidden'),
      post(`${ch}/grants/${ids.theirs}/revoke`, dataadmin, {}, 403, 'not_provider'),
      post(`${ch}/grants/${ids.exhausted}/revoke`, dataadmin, {}, 409, 'grant_exhausted'),
      post(`${ch}/grants/${NOBODY}/revoke`, dataadmin, {}, 404, 'grant_not_found'),
      post(`${ch}/grants/${ids.ours}/revoke`, dataadmin, { reason: 7 }, 400, 'validation_failed'),
      // Audit of the stored state (operations, dataadmin).
      none('POST', `${ch}/audit`),
      post(`${ch}/audit`, user, {}, 403, 'forbidden'),
      post(`/v1/channels/${UNKNOWN}/audit`, dataadmin, {}, 404, 'channel_not_found'),
      post(`/v1/channels/${BAD}/audit`, dataadmin, {}, 400, 'validation_failed'),
    ];
  };

  it('answers every error case with its expected status and code, each documented for its route', async () => {
    const report = await checkErrorResponses(dept.contracts.url, dept.contracts.service.openApi, errorCases());
    expect({ unexpected: report.unexpected, undocumented: report.undocumented }).toEqual({
      unexpected: [],
      undocumented: [],
    });
  });

  it('produces every documented 4xx of every route in some case (or says why it cannot here)', async () => {
    const report = await checkErrorResponses(
      dept.contracts.url,
      dept.contracts.service.openApi,
      errorCases(),
      UNPRODUCIBLE,
    );
    expect({ unproduced: report.unproduced, staleExcuses: report.staleExcuses }).toEqual({
      unproduced: [],
      staleExcuses: [],
    });
  });
});
