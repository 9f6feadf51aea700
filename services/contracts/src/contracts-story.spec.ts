import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogMessage } from '@accord/event-bus';
import {
  canonicalBytes,
  computeTxId,
  parseAttestation,
  signTx,
  verifyAttestation,
  type JsonObject,
  type TxEnvelope,
} from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import type { ContractsConfig } from './contracts.config';
import { LedgerClient } from '@accord/service-kit';
import { ApplierFixture } from './testing/applier.fixture';
import {
  attestTopic,
  blocksTopic,
  deadLetterTopic,
  decisionsTopic,
  decodeDecisionEvent,
  parkedEventSchema,
  type DecisionEvent,
} from '@accord/events';
import {
  api,
  startContracts,
  startDepartment,
  TxPublisher,
  type DepartmentUnderTest,
} from './testing/department.fixture';
import type { ServiceUnderTest } from '@accord/service-kit';
import { waitFor } from '@accord/event-bus/testing';
import { writeKeysFile } from '@accord/service-kit/testing';

// One department's ledger and contracts service in-process (PGlite in
// memory, embedded log), on an alliance channel with two other members
// whose txs the test signs. The story: register (consent required) ->
// request -> pending -> consent -> granted -> usage -> expiry, the denials
// and rejections with their reasons, redelivery, and a replay from genesis.
const self = testMember('test-dept');
const b = testMember('dept-b');
const c = testMember('dept-c');
const CHANNEL = 'story';
const PERMITS = 'test-dept/permits';
const GRANT_MS = 4000;

interface Receipt {
  readonly kind: string;
  readonly code: string;
  readonly [key: string]: unknown;
}

describe('contracts service with a real ledger (in-process)', () => {
  let dir: string;
  let dept: DepartmentUnderTest;
  let txs: TxPublisher;
  let http: ReturnType<typeof api>;
  let tokens: ServiceUnderTest<ContractsConfig>['tokens'];
  const ids: Record<string, string> = {};

  /** The receipts of a tx once its block is applied. */
  const receiptsOf = async (txId: string): Promise<Receipt[]> => {
    const res = await http.get(`/v1/txs/${txId}/receipts?waitMs=15000`);
    expect(res.status).toBe(200);
    return (res.body.receipts as { receipt: Receipt }[]).map((r) => r.receipt);
  };

  const height = async (sut = dept.contracts): Promise<number> => {
    const res = await api(sut).get(`/v1/channels/${CHANNEL}`);
    return res.status === 200 ? (res.body.height as number) : -1;
  };

  const digests = async (
    sut: ServiceUnderTest<ContractsConfig>,
  ): Promise<{ height: number; digest: string; blockHash: string }[]> =>
    (await api(sut).get(`/v1/channels/${CHANNEL}/digests?limit=1000`)).body.items;

  const readAll = async (topic: string): Promise<LogMessage[]> => {
    const all: LogMessage[] = [];
    for (;;) {
      const batch = await dept.bus.read(topic, all.length, 1000);
      if (batch.length === 0) return all;
      all.push(...batch);
    }
  };

  /** The decision events, read as a consumer reads them: with the schema of @accord/events. */
  const decisions = async (): Promise<DecisionEvent[]> =>
    (await readAll(decisionsTopic(self.id))).map((m) => {
      const decoded = decodeDecisionEvent(m.value);
      if (!decoded.ok) throw new Error(`decision ${m.offset}: ${decoded.failure.message}`);
      return decoded.event;
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-contracts-story-'));
    dept = await startDepartment({ member: self, dir });
    http = api(dept.contracts);
    tokens = dept.contracts.tokens;
    txs = new TxPublisher(dept.bus, CHANNEL);
    const genesis = signTx(
      {
        v: 1,
        channel: CHANNEL,
        type: 'channel.genesis',
        from: self.id,
        nonce: 0,
        ts: Date.now(),
        payload: {
          kind: 'alliance',
          members: [self, b, c].map((m) => ({
            id: m.id,
            ed25519: m.keys.ed25519.publicKey,
            x25519: m.keys.x25519.publicKey,
          })),
          policy: { maxTxPerBlock: 50, batchTimeoutMs: 20, rules: TEST_RULES as unknown as JsonObject },
        },
      },
      self.signer,
    );
    const created = await api(dept.ledger).post('/v1/channels', genesis, dept.ledger.tokens.sysadmin);
    expect(created.status).toBe(202);
    await waitFor('the contracts service to apply the genesis block', async () => (await height()) >= 0);
  }, 60_000);

  afterAll(async () => {
    await dept?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the rule parameters from the genesis policy and knows every member', async () => {
    const channel = (await http.get(`/v1/channels/${CHANNEL}`)).body;
    expect(channel).toMatchObject({
      channel: CHANNEL,
      height: 0,
      halted: null,
      params: { requestExpiryMs: TEST_RULES.requestExpiryMs, levels: TEST_RULES.levels },
    });
    const accounts = (await http.get(`/v1/channels/${CHANNEL}/accounts`)).body.accounts;
    expect(accounts.map((a: { member: string; active: boolean }) => [a.member, a.active])).toEqual([
      ['dept-b', true],
      ['dept-c', true],
      ['test-dept', true],
    ]);
  });

  it('registers datasets and credits their points', async () => {
    ids.permits = await txs.send(
      self,
      'dataset.register',
      registration('permits', { policy: odrlPolicy({ consent: true }) }) as unknown as JsonObject,
    );
    ids.roads = await txs.send(b, 'dataset.register', registration('roads') as unknown as JsonObject);
    ids.archive = await txs.send(
      b,
      'dataset.register',
      registration('archive', { policy: odrlPolicy({ consent: true }) }) as unknown as JsonObject,
    );
    ids.plans = await txs.send(
      b,
      'dataset.register',
      registration('plans', { policy: odrlPolicy({ minLevel: 2 }) }) as unknown as JsonObject,
    );
    for (const id of [ids.permits, ids.roads, ids.archive, ids.plans])
      expect(await receiptsOf(id)).toEqual([expect.objectContaining({ kind: 'registered', code: 'ok' })]);
    expect((await http.get(`/v1/channels/${CHANNEL}/accounts/test-dept`)).body).toMatchObject({
      balance: 10,
      held: 0,
      score: 10,
      level: 0,
      maxSensitivity: 'internal',
    });
    expect((await http.get(`/v1/channels/${CHANNEL}/accounts/dept-b`)).body).toMatchObject({
      balance: 30,
      score: 30,
      level: 1,
      nextLevel: { level: 2, minScore: 40 },
    });
    const dataset = (await http.get(`/v1/channels/${CHANNEL}/datasets/test-dept/permits`)).body;
    expect(dataset.dataset).toMatchObject({ id: PERMITS, owner: self.id, terms: { consentRequired: true } });
  });

  it('leaves a request for a dataset that needs consent pending, with its points held and its checks', async () => {
    ids.request = await txs.send(b, 'access.request', {
      dataset: PERMITS,
      purpose: 'statistics',
      durationMs: GRANT_MS,
    });
    expect(await receiptsOf(ids.request)).toEqual([
      expect.objectContaining({ kind: 'pending', code: 'consent_required' }),
    ]);
    const view = (await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body;
    expect(view.request).toMatchObject({
      id: ids.request,
      requester: b.id,
      provider: self.id,
      dataset: PERMITS,
      status: 'pending',
      decision: { kind: 'pending' },
    });
    expect(view.request.decision.checks).toContainEqual(
      expect.objectContaining({ name: 'consent', status: 'pending' }),
    );
    expect(view.grant).toBeNull();
    expect((await http.get(`/v1/channels/${CHANNEL}/accounts/dept-b`)).body).toMatchObject({ balance: 28, held: 2 });
    const pending = (await http.get(`/v1/channels/${CHANNEL}/requests?provider=test-dept&status=pending`)).body;
    expect(pending.items.map((r: { id: string }) => r.id)).toEqual([ids.request]);
  });

  it('rejects a consent signed by a department that is not the provider; the state does not change', async () => {
    const before = (await http.get(`/v1/channels/${CHANNEL}`)).body.counts;
    const forged = await txs.send(c, 'access.consent', { request: ids.request });
    expect(await receiptsOf(forged)).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        code: 'not_provider',
        message: `only the provider ${self.id} may decide request ${ids.request}`,
      }),
    ]);
    expect((await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body.request.status).toBe('pending');
    expect((await http.get(`/v1/channels/${CHANNEL}`)).body.counts).toEqual(before);
    expect((await http.get(`/v1/channels/${CHANNEL}/accounts/dept-c`)).body).toMatchObject({
      balance: 0,
      held: 0,
      score: 0,
    });
  });

  it('checks roles and the provider before signing an action', async () => {
    // A user may request but not consent; a data administrator may consent but not request.
    expect((await http.post(`/v1/channels/${CHANNEL}/requests/${ids.request}/consent`, {}, tokens.user)).status).toBe(
      403,
    );
    expect(
      (
        await http.post(
          `/v1/channels/${CHANNEL}/requests`,
          { dataset: 'dept-b/archive', purpose: 'statistics', durationMs: 1000 },
          tokens.dataadmin,
        )
      ).status,
    ).toBe(403);
    const mine = await http.post(
      `/v1/channels/${CHANNEL}/requests`,
      { dataset: 'dept-b/archive', purpose: 'statistics', durationMs: 1000 },
      tokens.user,
    );
    expect(mine.status).toBe(202);
    expect(mine.body).toMatchObject({
      channel: CHANNEL,
      type: 'access.request',
      expected: { outcome: 'pending', code: 'consent_required' },
    });
    expect(mine.body.envelope.body).toMatchObject({ from: self.id, payload: { dataset: 'dept-b/archive' } });
    expect(await receiptsOf(mine.body.txId)).toEqual([expect.objectContaining({ kind: 'pending' })]);
    // dept-b provides that dataset: our consent would be rejected, so it is refused before signing.
    const refused = await http.post(`/v1/channels/${CHANNEL}/requests/${mine.body.txId}/consent`, {}, tokens.dataadmin);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: 'not_provider',
      message: `only the provider dept-b may decide request ${mine.body.txId}`,
    });
    expect(
      (await http.post(`/v1/channels/${CHANNEL}/requests/${'0'.repeat(64)}/consent`, {}, tokens.dataadmin)).body.error,
    ).toBe('request_not_found');
    expect(
      (
        await http.post(
          `/v1/channels/${CHANNEL}/requests`,
          { dataset: 'dept-b/archive', purpose: 'Not a token', durationMs: 1000 },
          tokens.user,
        )
      ).body,
    ).toMatchObject({
      error: 'validation_failed',
    });
  });

  it("grants the request when the provider consents over HTTP, and the storage gateway's usage is counted", async () => {
    const res = await http.post(`/v1/channels/${CHANNEL}/requests/${ids.request}/consent`, {}, tokens.dataadmin);
    expect(res.status).toBe(202);
    expect(res.body.envelope.body).toMatchObject({
      type: 'access.consent',
      from: self.id,
      payload: { request: ids.request },
    });
    expect(await receiptsOf(res.body.txId)).toEqual([
      expect.objectContaining({ kind: 'consented', code: 'ok', request: ids.request }),
    ]);
    const grant = (await http.get(`/v1/channels/${CHANNEL}/grants/${ids.request}`)).body;
    expect(grant).toMatchObject({
      live: true,
      grant: { requester: b.id, provider: self.id, dataset: PERMITS, status: 'active' },
    });
    expect((await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body.request).toMatchObject({
      status: 'granted',
      decision: { kind: 'consented' },
    });
    // Overflowing amounts are rejected with a reason and change nothing.
    const used = await txs.send(self, 'access.use', { grant: ids.request, bytes: Number.MAX_SAFE_INTEGER });
    expect(await receiptsOf(used)).toEqual([expect.objectContaining({ kind: 'used', code: 'ok', accessesUsed: 1 })]);
    const overflow = await txs.send(self, 'access.use', { grant: ids.request, bytes: 1 });
    expect(await receiptsOf(overflow)).toEqual([
      expect.objectContaining({ kind: 'rejected', code: 'amount_overflow' }),
    ]);
    expect((await http.get(`/v1/channels/${CHANNEL}/grants/${ids.request}`)).body.grant).toMatchObject({
      accessesUsed: 1,
      bytesUsed: Number.MAX_SAFE_INTEGER,
    });
  });

  it('denies or rejects bad requests with their reasons, and the dry run explains them without submitting', async () => {
    const short = await txs.send(c, 'access.request', {
      dataset: 'dept-b/roads',
      purpose: 'statistics',
      durationMs: 1000,
    });
    const low = await txs.send(self, 'access.request', {
      dataset: 'dept-b/plans',
      purpose: 'statistics',
      durationMs: 1000,
    });
    const unknown = await txs.send(c, 'access.request', {
      dataset: 'dept-b/nothing',
      purpose: 'statistics',
      durationMs: 1000,
    });
    expect(await receiptsOf(short)).toEqual([
      expect.objectContaining({
        kind: 'denied',
        code: 'insufficient_points',
        message: 'balance 0 is short of the price of 2 (fee 2 + compensation 0)',
      }),
    ]);
    expect(await receiptsOf(low)).toEqual([
      expect.objectContaining({ kind: 'denied', code: 'level_too_low', message: 'level 0 is below the required 2' }),
    ]);
    expect(await receiptsOf(unknown)).toEqual([expect.objectContaining({ kind: 'rejected', code: 'unknown_dataset' })]);

    const denied = (await http.get(`/v1/channels/${CHANNEL}/requests?status=denied`)).body.items;
    // Listed in chain order: by height, then id.
    expect(denied.map((r: { id: string; code: string }) => [r.id, r.code])).toEqual(
      [
        [short, 'insufficient_points'],
        [low, 'level_too_low'],
      ].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    );
    expect((await http.get(`/v1/channels/${CHANNEL}/requests/${unknown}`)).body.request).toMatchObject({
      status: 'rejected',
      code: 'unknown_dataset',
      record: null,
    });
    expect((await http.get(`/v1/channels/${CHANNEL}/accounts/dept-c`)).body).toMatchObject({
      balance: 0,
      held: 0,
      score: 0,
    });

    const before = await digests(dept.contracts);
    const dryRun = await http.post(
      `/v1/channels/${CHANNEL}/evaluate`,
      { requester: c.id, dataset: 'dept-b/roads', purpose: 'statistics', durationMs: 1000 },
      tokens.user,
    );
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.evaluation).toMatchObject({
      outcome: 'denied',
      code: 'insufficient_points',
      balance: 0,
      cost: { fee: 2, compensation: 0, total: 2 },
    });
    expect(dryRun.body.evaluation.checks).toContainEqual({
      name: 'points',
      status: 'fail',
      code: 'insufficient_points',
      message: 'balance 0 is short of the price of 2 (fee 2 + compensation 0)',
    });
    expect(dryRun.body.evaluation.checks).toContainEqual(expect.objectContaining({ name: 'level', status: 'pass' }));
    const mine = await http.post(
      `/v1/channels/${CHANNEL}/evaluate`,
      { dataset: 'dept-b/roads', purpose: 'statistics', durationMs: 1000 },
      tokens.user,
    );
    expect(mine.body).toMatchObject({ requester: self.id, evaluation: { outcome: 'granted', code: 'auto' } });
    expect(
      (
        await http.post(
          `/v1/channels/${CHANNEL}/evaluate`,
          { dataset: 'dept-b/nothing', purpose: 'statistics', durationMs: 1 },
          tokens.user,
        )
      ).body.evaluation,
    ).toMatchObject({
      outcome: 'rejected',
      code: 'unknown_dataset',
    });
    expect(await digests(dept.contracts)).toEqual(before);
  });

  it('expires the grant once block time passes its end', async () => {
    const { expiresAt } = (await http.get(`/v1/channels/${CHANNEL}/grants/${ids.request}`)).body.grant as {
      expiresAt: number;
    };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 50)));
    // Block time comes from the log: any later tx makes a block that starts after the grant's end.
    await txs.send(c, 'test.note', { note: 'time passes' });
    const grant = await waitFor('the grant to expire', async () => {
      const view = (await http.get(`/v1/channels/${CHANNEL}/grants/${ids.request}`)).body;
      return view.grant.status === 'expired' ? view : undefined;
    });
    expect(grant).toMatchObject({ live: false, grant: { status: 'expired', code: 'grant_expired' } });
    expect(grant.receipts.map((r: { receipt: Receipt }) => `${r.receipt.kind}:${r.receipt.code}`)).toEqual([
      'pending:consent_required',
      'rejected:not_provider',
      'consented:ok',
      'used:ok',
      'rejected:amount_overflow',
      'expired:grant_expired',
    ]);
  });

  it('publishes a decision event per receipt, in order, and a signed state attestation per height', async () => {
    const head = await height();
    await waitFor(
      'the head to be published',
      async () => (await http.get(`/v1/channels/${CHANNEL}`)).body.publishedHeight === head,
    );
    const events = await decisions();
    const story = events.filter((e) => e.subject === ids.request).map((e) => `${e.kind}:${e.code}`);
    expect(story).toEqual([
      'pending:consent_required',
      'rejected:not_provider',
      'consented:ok',
      'used:ok',
      'rejected:amount_overflow',
      'expired:grant_expired',
    ]);
    const order = events.map((e) => [e.height, e.seq]);
    expect(order).toEqual([...order].sort((x, y) => x[0] - y[0] || x[1] - y[1]));

    const stored = await digests(dept.contracts);
    const attestations = (await readAll(attestTopic(CHANNEL)))
      .map((m) => parseAttestation(m.value))
      .filter((a) => a.body.kind === 'state' && a.body.from === self.id);
    expect(attestations.map((a) => a.body)).toEqual(
      stored.map((d) => ({
        v: 1,
        channel: CHANNEL,
        height: d.height,
        blockHash: d.blockHash,
        from: self.id,
        kind: 'state',
        stateDigest: d.digest,
      })),
    );
    for (const attestation of attestations)
      expect(verifyAttestation(attestation, self.keys.ed25519.publicKey)).toBe(true);
    // The ledger's own block attestations name the same block hashes.
    const blockHashes = (await readAll(attestTopic(CHANNEL)))
      .map((m) => parseAttestation(m.value))
      .filter((a) => a.body.kind === 'block')
      .map((a) => [a.body.height, a.body.blockHash]);
    expect(blockHashes).toEqual(stored.map((d) => [d.height, d.blockHash]));
  });

  it('skips redelivered block.committed events and changes nothing', async () => {
    const before = await digests(dept.contracts);
    const receipts = (await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body.receipts;
    const events = await readAll(blocksTopic(self.id));
    await dept.bus.publish(
      blocksTopic(self.id),
      events.map((m) => ({ value: m.value, headers: m.headers })),
    );
    await waitFor('the redelivered blocks to be skipped', async () => {
      const metrics = (await http.get('/metrics')).text;
      const skipped = /accord_contracts_duplicate_blocks_total\{[^}]*channel="[^"]*"[^}]*\} (\d+)/.exec(metrics);
      return skipped !== null && Number(skipped[1]) === events.length;
    });
    expect(await digests(dept.contracts)).toEqual(before);
    expect((await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body.receipts).toEqual(receipts);
    expect((await http.get(`/v1/channels/${CHANNEL}`)).body.halted).toBeNull();
  });

  it('answers bad queries with typed errors and reasons', async () => {
    expect((await http.get('/v1/channels/nowhere/accounts')).body).toMatchObject({ error: 'channel_not_found' });
    expect((await http.get('/v1/channels/nowhere/accounts')).status).toBe(404);
    const bad = await http.get(`/v1/channels/${CHANNEL}/requests?dataset=%00&limit=0&status=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues.map((i: { field: string }) => i.field).sort()).toEqual([
      'query.dataset',
      'query.limit',
      'query.status',
    ]);
    expect((await http.get(`/v1/channels/${CHANNEL}/grants/${'f'.repeat(64)}`)).body).toMatchObject({
      error: 'grant_not_found',
    });
    expect((await http.get(`/v1/channels/${CHANNEL}/digests/99999`)).status).toBe(404);
    expect((await http.get(`/v1/txs/${'e'.repeat(64)}/receipts`)).body).toMatchObject({ error: 'receipts_not_found' });
    expect((await http.get(`/v1/txs/not-a-tx/receipts`)).status).toBe(400);
    expect(
      (
        await http.post(
          `/v1/channels/${CHANNEL}/evaluate`,
          { dataset: 'dept-b/roads', purpose: 'statistics' },
          tokens.user,
        )
      ).body,
    ).toMatchObject({ error: 'validation_failed' });
    // Paging: one request per page, the next page after the cursor.
    const first = (await http.get(`/v1/channels/${CHANNEL}/requests?limit=1`)).body;
    const second = (await http.get(`/v1/channels/${CHANNEL}/requests?limit=1&after=${first.next}`)).body;
    expect(first.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });

  it('reads blocks and configurations from the ledger API, as header-only events and configuration changes need', async () => {
    const ledger = new LedgerClient(dept.ledger.url, dept.ledger.tokens.user);
    const [genesis, second] = await digests(dept.contracts);
    const block = await ledger.block(CHANNEL, 1);
    expect(block.hash).toBe(second.blockHash);
    const first = await ledger.block(CHANNEL, 0);
    expect(first.hash).toBe(genesis.blockHash);
    const at = {
      txId: computeTxId((first.txs[0] as { envelope: TxEnvelope }).envelope.body),
      at: { height: 0, index: 0 },
    };
    const config = await ledger.configAfter(CHANNEL, 0, at);
    expect(config).toMatchObject({ channel: CHANNEL, kind: 'alliance', owner: null, genesis: at, proposals: [] });
    expect(config.members.map((m) => [m.id, m.status])).toEqual([
      ['dept-b', 'active'],
      ['dept-c', 'active'],
      ['test-dept', 'active'],
    ]);
    expect(config.policy.rules).toEqual(TEST_RULES);
    await expect(ledger.block(CHANNEL, 10_000)).rejects.toMatchObject({ code: 'ledger_unavailable' });
    await expect(new LedgerClient(dept.ledger.url, 'wrong-token').block(CHANNEL, 0)).rejects.toThrow(/answered 401/);
  });

  it('applies header-only events, fetching the txs and the configuration from the ledger API', async () => {
    // The ledger sends {header, hash} instead of the block when an event would be too large; here every one is.
    const headerOnly = (await readAll(blocksTopic(self.id))).map((m, offset) => {
      const event = JSON.parse(Buffer.from(m.value).toString('utf8'));
      const value = canonicalBytes({ ...event, block: { header: event.block.header, hash: event.block.hash } });
      return { ...m, offset, value };
    });
    const db = await ApplierFixture.open();
    try {
      const applier = await db.applier(self.id, new LedgerClient(dept.ledger.url, dept.ledger.tokens.user));
      for (let i = 0; i < headerOnly.length; i += 10) await applier.applyBatch(headerOnly.slice(i, i + 10));
      expect(applier.channel(CHANNEL)?.head.halted).toBeNull();
      const stored = (
        (await db.receipts.digests(CHANNEL, 0, 10_000)) as { height: number; blockHash: string; digest: string }[]
      ).map(({ height, blockHash, digest }) => ({ height, blockHash, digest }));
      expect(stored).toEqual(
        (await digests(dept.contracts)).map(({ height, blockHash, digest }) => ({ height, blockHash, digest })),
      );
    } finally {
      await db.close();
    }
  }, 60_000);

  it('rebuilds from genesis on a fresh database to the identical digest at every height', async () => {
    const head = await height();
    const replica = await startContracts(self, await writeKeysFile(dir, self), dept.ledger, dept.bus);
    try {
      await waitFor('the rebuild to reach the head', async () => (await height(replica)) === head, 30_000);
      const original = await digests(dept.contracts);
      expect(original.map((d) => d.height)).toEqual([...Array(head + 1).keys()]);
      expect(await digests(replica)).toEqual(original);
      const rebuilt = (await api(replica).get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body;
      expect(rebuilt).toEqual((await http.get(`/v1/channels/${CHANNEL}/requests/${ids.request}`)).body);
    } finally {
      await replica.close();
    }
  }, 60_000);

  // Last: the garbage it publishes stays on the blocks topic, which the tests above read whole.
  it('parks records of the blocks topic it cannot read, counts them, and goes on applying', async () => {
    const dlq = deadLetterTopic(self.id, 'contracts');
    const before = await dept.bus.endOffset(dlq).catch(() => 0);
    const start = await dept.bus.endOffset(blocksTopic(self.id));
    await dept.bus.publish(blocksTopic(self.id), [
      { value: Buffer.from('not json') },
      { value: canonicalBytes({ type: 'something.else' }) },
    ]);
    const parked = await waitFor('two dead letters', async () => {
      const found = await dept.bus.read(dlq, before, 10).catch(() => []);
      return found.length >= 2 ? found : undefined;
    });
    const events = parked.map((m) => parkedEventSchema.parse(JSON.parse(Buffer.from(m.value).toString('utf8'))));
    expect(events.map((e) => [e.topic, e.offset, e.consumer, e.reason.code])).toEqual([
      [blocksTopic(self.id), start, 'contracts', 'block_event_invalid'],
      [blocksTopic(self.id), start + 1, 'contracts', 'block_event_invalid'],
    ]);
    await waitFor('the parked records to be counted', async () =>
      /accord_contracts_events_parked_total\{[^}]*code="block_event_invalid"[^}]*\} 2/.test(
        (await http.get('/metrics')).text,
      ),
    );
    expect((await http.get(`/v1/channels/${CHANNEL}`)).body.halted).toBeNull();
    // A tx after the garbage is still applied (rejected for its empty payload, so the story's state is unchanged).
    const after = await txs.send(b, 'dataset.register', {});
    expect((await receiptsOf(after)).map((r) => [r.kind, r.code])).toEqual([['rejected', 'invalid_payload']]);
  });
});
