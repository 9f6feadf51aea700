import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { closeDatabase, openDatabase } from '@accord/persistence';
import { encodeEnvelope, parseEnvelope, verifyEnvelopeSignature } from '@accord/protocol';
import { odrlPolicy, RulesHarness, testMember } from '@accord/rules/testing';
import {
  DepartmentTxPublisher,
  EnvelopeRejectedError,
  mapErrorToHttp,
  NONCE_LANE_SIZE,
  NONCE_LANES,
  TxNonceRepository,
} from '@accord/service-kit';
import { FakeClock } from '@accord/service-kit/testing';
import type { DataSource } from 'typeorm';
import { contractsErrorStatus } from '../contracts.definition';
import { ActionRejectedError } from '../contracts.errors';
import { KIND_HEADER, txTopic } from '@accord/events';
import { contractsMigrations } from '../persistence/migrations/contracts.migrations';
import type { ChannelRuntime, RulesApplier } from '../pipeline/rules-applier.service';
import { AccessActionsService } from './access-actions.service';
import { ContractsTxChannels } from './contracts-tx-channels.service';
import { RecordLocator } from './record-locator.service';

// The actions on a rule state built by the real ledger and rules (RulesHarness),
// signed by the real department tx publisher on PGlite and the embedded log:
// what the rules would reject is refused with the decider's code before
// anything is signed; the rest is published with the contracts lane's nonces.
const self = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const CHANNEL = 'test-channel'; // the harness's
const FIRST = NONCE_LANES.contracts * NONCE_LANE_SIZE;

describe('access actions: dry run of the rules, then the department tx publisher', () => {
  let dir: string;
  let bus: EventBus;
  let db: DataSource;
  let h: RulesHarness;
  let request: string;
  let maxTxBytes: number | undefined;

  const runtime = (): ChannelRuntime => {
    const config = h.ledger.config;
    return {
      state: h.state,
      head: {
        channel: CHANNEL,
        height: h.state.height,
        blockHash: null,
        time: h.state.time,
        digest: null,
        config:
          config === null || maxTxBytes === undefined
            ? config
            : { ...config, policy: { ...config.policy, maxTxBytes } },
        publishedHeight: h.state.height,
        halted: null,
      },
    };
  };
  const actions = () => {
    const applier = { channel: (name: string) => (name === CHANNEL ? runtime() : undefined) } as RulesApplier;
    const channels = new ContractsTxChannels(applier);
    const clock = new FakeClock(h.state.time);
    const publisher = new DepartmentTxPublisher({
      bus,
      signer: { department: self.id, ed25519: '', x25519: '', signer: self.signer },
      nonces: new TxNonceRepository(db),
      channels,
      lane: NONCE_LANES.contracts,
      topic: txTopic,
      headers: { [KIND_HEADER]: 'tx' },
      clock,
    });
    return new AccessActionsService(channels, publisher, clock, new RecordLocator(applier, null, clock));
  };
  const published = () => bus.read(txTopic(CHANNEL), 0, 100);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => {
        const { status, body } = mapErrorToHttp(error, contractsErrorStatus);
        return {
          type: (error as Error).constructor.name,
          status,
          error: body.error,
          message: body.message,
          details: body.details,
        };
      },
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-actions-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: dir, logger: silentEventBusLogger });
    await bus.ensureTopic(txTopic(CHANNEL));
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }, { migrations: contractsMigrations });
    // dept-a offers dept-a/data (consent required), dept-b offers dept-b/mine; dept-b asked for dept-a/data.
    h = RulesHarness.given([self, b, c]);
    h.register(self, 'data', { policy: odrlPolicy({ consent: true }) });
    h.register(b, 'mine');
    h.closeBlock();
    request = h.request(b, 'dept-a/data').txId;
    h.closeBlock();
  });

  afterEach(() => {
    maxTxBytes = undefined;
  });

  afterAll(async () => {
    await closeDatabase(db);
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses what the rules would reject with the decider code and status, and signs nothing', async () => {
    const service = actions();
    const cases = await Promise.all([
      refusal(service.cancel(CHANNEL, request)),
      refusal(service.request(CHANNEL, { dataset: 'dept-a/data', purpose: 'statistics', durationMs: 1000 })),
      refusal(service.request(CHANNEL, { dataset: 'dept-b/none', purpose: 'statistics', durationMs: 1000 })),
      refusal(service.revoke(CHANNEL, request, {})),
    ]);
    expect(cases).toEqual([
      {
        type: ActionRejectedError.name,
        status: 403,
        error: 'not_requester',
        message: `only the requester dept-b may cancel request ${request}`,
        details: { channel: CHANNEL, type: 'access.cancel' },
      },
      expect.objectContaining({ type: ActionRejectedError.name, status: 422, error: 'own_dataset' }),
      expect.objectContaining({ type: ActionRejectedError.name, status: 404, error: 'unknown_dataset' }),
      // No grant is on record for a pending request: found before the dry run.
      expect.objectContaining({ status: 404, error: 'grant_not_found' }),
    ]);
    expect(await published()).toEqual([]);
  });

  it("publishes what passes the dry run, signed by the department with the contracts lane's consecutive nonces", async () => {
    const service = actions();
    const [consent, asked] = await Promise.all([
      service.consent(CHANNEL, request),
      service.request(CHANNEL, { dataset: 'dept-b/mine', purpose: 'statistics', durationMs: 1000 }),
    ]);
    expect(asked.expected).toMatchObject({ outcome: 'granted', code: 'auto' });
    for (const action of [consent, asked]) {
      expect(action).toMatchObject({
        status: 'pending',
        channel: CHANNEL,
        statusUrl: `/v1/txs/${action.txId}?sig=${action.envelope.sig}`,
        receiptsUrl: `/v1/txs/${action.txId}/receipts`,
      });
      expect(verifyEnvelopeSignature(action.envelope, self.keys.ed25519.publicKey)).toBe(true);
    }
    expect(consent.envelope.body).toMatchObject({ type: 'access.consent', from: self.id, payload: { request } });
    expect([consent, asked].map((a) => a.envelope.body.nonce).sort()).toEqual([FIRST, FIRST + 1]);
    const log = await published();
    expect(log.map((m) => parseEnvelope(m.value).txId).sort()).toEqual([consent.txId, asked.txId].sort());
    expect(log.map((m) => Buffer.from(m.value))).toContainEqual(Buffer.from(encodeEnvelope(consent.envelope)));
  });

  it("refuses an action over the channel's size limit as the submission API does, after the dry run passed it", async () => {
    maxTxBytes = 1024;
    const before = (await published()).length;
    const res = await refusal(actions().refuse(CHANNEL, request, { reason: '€'.repeat(500) }));
    expect(res).toMatchObject({
      type: EnvelopeRejectedError.name,
      status: 400,
      error: 'envelope_invalid',
      details: { reason: 'tx.too_large', maxTxBytes: 1024 },
    });
    expect(await published()).toHaveLength(before);
  });
});
