import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { EventSubscriptionRegistry, shutdownTelemetry } from '@accord/service-kit';
import { waitFor } from '@accord/event-bus/testing';
import { BLOCKS_CONSUMER } from '../pipeline/rules-applier.service';
import { RulesApplier } from '../pipeline/rules-applier.service';
import {
  api,
  createRulesChannel,
  startDepartment,
  TxPublisher,
  type DepartmentUnderTest,
} from '../testing/department.fixture';

// A provider acts on a request right after it was submitted, before its own
// contracts service applied the request's block (the ledger already
// committed it). The department's blocks consumer is held paused to make that
// moment last: without waitMs the answer is 409 request_not_applied with the
// ledger's status; with waitMs the action waits for the block and succeeds.
const self = testMember('test-dept');
const b = testMember('dept-b');
const CHANNEL = 'consent-wait';

describe('actions on a request right after its submission', () => {
  let dir: string;
  let dept: DepartmentUnderTest;
  let txs: TxPublisher;
  let subscriptions: EventSubscriptionRegistry;
  let http: ReturnType<typeof api>;

  const appliedHeight = async (): Promise<number> => (await http.get(`/v1/channels/${CHANNEL}`)).body.height as number;

  /** b asks for one of our datasets (consent required) while our blocks consumer is paused; resolves once the ledger committed it. */
  const unappliedRequest = async (name: string): Promise<{ id: string; height: number }> => {
    await subscriptions.pause(BLOCKS_CONSUMER);
    const id = await txs.send(b, 'access.request', {
      dataset: `test-dept/${name}`,
      purpose: 'statistics',
      durationMs: 50_000,
    });
    const status = await api(dept.ledger).get(`/v1/txs/${id}?waitMs=10000`, dept.ledger.tokens.user);
    expect(status.body).toMatchObject({ status: 'committed', code: 'valid' });
    return { id, height: status.body.height as number };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-consent-wait-'));
    dept = await startDepartment({ member: self, dir });
    http = api(dept.contracts);
    subscriptions = dept.contracts.service.app.get(EventSubscriptionRegistry);
    await createRulesChannel(dept, CHANNEL, [self, b], TEST_RULES as unknown as JsonObject);
    txs = new TxPublisher(dept.bus, CHANNEL);
    await txs.send(b, 'dataset.register', registration('roads') as unknown as JsonObject);
    for (const name of ['permits', 'plans']) {
      const registered = await txs.send(self, 'dataset.register', {
        ...registration(name),
        policy: odrlPolicy({ consent: true }),
      } as unknown as JsonObject);
      expect((await http.get(`/v1/txs/${registered}/receipts?waitMs=15000`)).status).toBe(200);
    }
  }, 60_000);

  afterEach(() => subscriptions.resume(BLOCKS_CONSUMER));

  afterAll(async () => {
    await dept?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 409 request_not_applied with the ledger status when the request is committed but not applied here', async () => {
    const request = await unappliedRequest('permits');
    const applied = await appliedHeight();
    expect(applied).toBeLessThan(request.height);
    for (const action of ['consent', 'refuse', 'cancel']) {
      const res = await http.post(
        `/v1/channels/${CHANNEL}/requests/${request.id}/${action}`,
        {},
        action === 'cancel' ? dept.contracts.tokens.user : dept.contracts.tokens.dataadmin,
      );
      expect([action, res.status, res.body]).toEqual([
        action,
        409,
        expect.objectContaining({
          error: 'request_not_applied',
          details: {
            channel: CHANNEL,
            request: request.id,
            status: 'committed',
            height: request.height,
            appliedHeight: applied,
          },
        }),
      ]);
    }
  });

  it('still answers 404 request_not_found for a request the ledger does not know, also after a wait', async () => {
    for (const query of ['', '?waitMs=50']) {
      const res = await http.post(
        `/v1/channels/${CHANNEL}/requests/${'ef'.repeat(32)}/consent${query}`,
        {},
        dept.contracts.tokens.dataadmin,
      );
      expect([res.status, res.body.error]).toEqual([404, 'request_not_found']);
    }
  });

  it('waits with ?waitMs= until the request is applied, then consents', async () => {
    const request = await unappliedRequest('plans');
    const applier = dept.contracts.service.app.get(RulesApplier);
    const looks = jest.spyOn(applier, 'channel');
    const consent = http.post(
      `/v1/channels/${CHANNEL}/requests/${request.id}/consent?waitMs=15000`,
      {},
      dept.contracts.tokens.dataadmin,
    );
    const answered = consent.then((res) => res);
    // The consent is waiting once it looked at the applied state several times; only then is the block applied.
    await waitFor('the consent to wait for its request', () => looks.mock.calls.length >= 3);
    subscriptions.resume(BLOCKS_CONSUMER);
    const res = await answered;
    looks.mockRestore();
    expect(res.status).toBe(202);
    expect(res.body.envelope.body).toMatchObject({ type: 'access.consent', payload: { request: request.id } });
    const receipts = await http.get(`/v1/txs/${res.body.txId}/receipts?waitMs=15000`);
    expect(receipts.body.receipts).toEqual([
      expect.objectContaining({ receipt: expect.objectContaining({ kind: 'consented', request: request.id }) }),
    ]);
  });

  it('refuses a wait above 30 s as a validation error', async () => {
    const res = await http.post(
      `/v1/channels/${CHANNEL}/requests/${'ef'.repeat(32)}/consent?waitMs=30001`,
      {},
      dept.contracts.tokens.dataadmin,
    );
    expect([res.status, res.body.error]).toEqual([400, 'validation_failed']);
  });
});
