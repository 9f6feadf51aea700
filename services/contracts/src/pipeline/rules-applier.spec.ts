import { LedgerHarness } from '@accord/ledger-core/testing';
import { canonicalBytes, type JsonObject } from '@accord/protocol';
import { stateDigest, type RulesState } from '@accord/rules';
import { odrlPolicy, RulesHarness, TEST_RULES, testMember } from '@accord/rules/testing';
import { blocksTopic } from '@accord/events';
import { ConcurrentWriterError } from '../contracts.errors';
import { ApplierFixture } from '../testing/applier.fixture';
import { asLog, blockCommittedEvents, blockCommittedMessage } from '../testing/block-events.builder';
import type { RulesApplier } from './rules-applier.service';

// The applier over a real PGlite database, fed block.committed events of
// chains built by a real ledger core (RulesHarness): what it stores and
// attests must be what the pure engine computes, whatever the batching,
// redeliveries and restarts; anything it cannot apply halts the channel.
const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const DEPT = a.id;
const TOPIC = blocksTopic(DEPT);
const CHANNEL = 'test-channel';

/** b offers roads (consent required), a offers permits; a asks for roads, b consents; c asks for an unknown dataset. */
function story(): { h: RulesHarness; request: string; unknown: string } {
  const h = RulesHarness.given([a, b, c]);
  h.register(b, 'roads', { policy: odrlPolicy({ consent: true }) });
  h.register(a, 'permits');
  h.closeBlock();
  const request = h.request(a, 'dept-b/roads');
  h.closeBlock();
  h.consent(b, request);
  const unknown = h.request(c, 'dept-x/nothing');
  h.closeBlock();
  return { h, request: request.txId, unknown: unknown.txId };
}

describe('RulesApplier', () => {
  let db: ApplierFixture;

  beforeAll(async () => {
    db = await ApplierFixture.open();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await db.dataSource.query(
      'TRUNCATE contracts_channel, contracts_account, contracts_dataset, contracts_request, contracts_grant, contracts_receipt, contracts_digest, consumer_checkpoint',
    );
  });

  const storedDigests = async (channel = CHANNEL): Promise<string[]> =>
    (
      (await db.dataSource.query('SELECT digest FROM contracts_digest WHERE channel = $1 ORDER BY height', [
        channel,
      ])) as { digest: string }[]
    ).map((r) => r.digest);

  const receiptCount = async (): Promise<number> =>
    Number(((await db.dataSource.query('SELECT count(*) AS n FROM contracts_receipt')) as { n: string }[])[0].n);

  it('stores the digest the pure engine computes at every height, with receipts, records and the reasons of each request', async () => {
    const { h, request, unknown } = story();
    const applier = await db.applier(DEPT);
    const outcome = await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true })));

    expect(outcome).toEqual({ nextOffset: h.blocks.length, touched: [CHANNEL] });
    expect(await storedDigests()).toEqual(h.results.map((r) => r.digest));
    const runtime = applier.channel(CHANNEL);
    expect(runtime?.head).toMatchObject({
      height: h.blocks.length - 1,
      digest: h.results[h.results.length - 1].digest,
      halted: null,
      publishedHeight: -1,
    });
    expect(runtime?.state).toEqual(h.state);

    const granted = await db.reads.request(CHANNEL, request);
    expect(granted).toMatchObject({
      requester: a.id,
      provider: b.id,
      dataset: 'dept-b/roads',
      status: 'granted',
      code: 'ok',
      decision: { kind: 'consented' },
    });
    expect(granted?.record).toEqual(h.state.requests[request]);
    const rejected = await db.reads.request(CHANNEL, unknown);
    expect(rejected).toMatchObject({
      requester: c.id,
      dataset: 'dept-x/nothing',
      status: 'rejected',
      code: 'unknown_dataset',
      record: null,
    });
    expect(rejected?.decision).toMatchObject({ message: expect.stringContaining('no dataset dept-x/nothing') });
    const history = await db.receipts.receiptsAbout(CHANNEL, request);
    expect(history.map((r) => r.receipt.kind)).toEqual(['pending', 'consented']);
    expect(await db.receipts.receiptsOfTx(unknown)).toEqual([
      expect.objectContaining({
        subject: unknown,
        receipt: expect.objectContaining({ kind: 'rejected', code: 'unknown_dataset' }),
      }),
    ]);
  });

  it('reloads the same state after a restart, whatever the batches were', async () => {
    const { h } = story();
    const events = asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true }));
    for (let i = 0; i < events.length; i += 2) {
      // A new applier per batch: everything it knows comes from the database.
      const applier = await db.applier(DEPT);
      await applier.applyBatch(events.slice(i, i + 2));
    }
    const restarted = await db.applier(DEPT);
    expect(restarted.nextOffset).toBe(events.length);
    expect(restarted.channel(CHANNEL)?.state).toEqual(h.state);
    expect(stateDigest(restarted.channel(CHANNEL)?.state as RulesState)).toBe(h.results[h.results.length - 1].digest);
    expect(await storedDigests()).toEqual(h.results.map((r) => r.digest));
  });

  it('audits the stored state: intact rows pass, an altered grant halts the channel with contracts_state_corrupt, here and at the next start', async () => {
    const { h, request } = story();
    const applier = await db.applier(DEPT);
    await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true })));
    const head = applier.channel(CHANNEL)?.head;
    expect(await applier.auditStored(CHANNEL)).toEqual({
      ok: true,
      channel: CHANNEL,
      height: head?.height,
      digest: head?.digest,
    });
    expect(await applier.auditStored('not-applied-here')).toBeUndefined();

    // The grant's end pushed out in the database, under the running service.
    const grant = h.state.grants[request];
    await db.dataSource.query('UPDATE contracts_grant SET record = replace(record, $2, $3) WHERE id = $1', [
      request,
      `"expiresAt":${grant.expiresAt}`,
      `"expiresAt":${grant.expiresAt + 1}`,
    ]);
    const verdict = await applier.auditStored(CHANNEL);
    expect(verdict).toMatchObject({
      ok: false,
      channel: CHANNEL,
      height: head?.height,
      code: 'contracts_state_corrupt',
      haltedNow: true,
    });
    // Decisions still use the applied grant, and nothing more is applied on the channel.
    expect(applier.channel(CHANNEL)?.state.grants[request]).toEqual(grant);
    expect(applier.channel(CHANNEL)?.head.halted).toMatchObject({ code: 'contracts_state_corrupt' });
    expect(await applier.auditStored(CHANNEL)).toMatchObject({ ok: false, haltedNow: false });
    const restarted = await db.applier(DEPT);
    expect(restarted.channel(CHANNEL)?.head.halted).toMatchObject({ code: 'contracts_state_corrupt' });
  });

  it('audits the stored head too: a digest rewritten with the rows is not the one applied', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true })));
    await db.dataSource.query('UPDATE contracts_channel SET digest = $2 WHERE channel = $1', [CHANNEL, 'f'.repeat(64)]);
    expect(await applier.auditStored(CHANNEL)).toMatchObject({
      ok: false,
      code: 'contracts_state_corrupt',
      reason: expect.stringContaining('this service applied'),
    });
  });

  it('skips redelivered heights (at-least-once delivery, ledger restarts) and changes nothing', async () => {
    const { h } = story();
    const events = blockCommittedEvents(h.blocks, { withConfig: true });
    const applier = await db.applier(DEPT);
    await applier.applyBatch(asLog(TOPIC, events));
    const receipts = await receiptCount();
    // The ledger republishes the last blocks after a restart: the same events at later offsets.
    await applier.applyBatch(asLog(TOPIC, [...events.slice(1), ...events], events.length));
    expect(applier.nextOffset).toBe(events.length * 2 + events.length - 1);
    expect(applier.channel(CHANNEL)?.head.halted).toBeNull();
    expect(await receiptCount()).toBe(receipts);
    expect(await storedDigests()).toEqual(h.results.map((r) => r.digest));
  });

  it('refuses a gap loudly: the channel halts at the missing height and applies nothing after it, other channels go on', async () => {
    const { h } = story();
    const other = new LedgerHarness('other-channel');
    other.log.genesis(a, 'alliance', [a, b], { policy: { rules: TEST_RULES as unknown as JsonObject } });
    other.closeBlock();
    const events = blockCommittedEvents(h.blocks, { withConfig: true });
    const applier = await db.applier(DEPT);
    await applier.applyBatch(
      asLog(TOPIC, [
        events[0],
        events[2],
        events[1],
        ...blockCommittedEvents(other.blocks, { withConfig: true }),
        events[3],
      ]),
    );

    const head = applier.channel(CHANNEL)?.head;
    expect(head).toMatchObject({ height: 0, halted: { height: 1, code: 'height_gap' } });
    expect(head?.halted?.message).toContain('expected block 1 but the next event is block 2');
    expect(await storedDigests()).toEqual([h.results[0].digest]);
    expect(applier.channel('other-channel')?.head).toMatchObject({ height: 0, halted: null });
    expect(db.logLines.join('\n')).toContain('halted at block 1');
    // The halt survives a restart.
    expect((await db.applier(DEPT)).channel(CHANNEL)?.head.halted).toMatchObject({ code: 'height_gap' });
  });

  it('halts on a redelivered height whose block hash differs from the one applied', async () => {
    const { h } = story();
    const fork = RulesHarness.given([a, b, c]);
    fork.register(c, 'forked');
    fork.closeBlock();
    const applier = await db.applier(DEPT);
    await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true })));
    const forked = blockCommittedEvents(fork.blocks, { withConfig: true });
    // Same genesis block, but another block 1.
    await applier.applyBatch(asLog(TOPIC, [forked[1]], h.blocks.length));
    expect(applier.channel(CHANNEL)?.head.halted).toMatchObject({ height: 1, code: 'block_divergence' });
  });

  it('halts when a configuration change arrives without the configuration and no ledger API is configured', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks)));
    expect(applier.channel(CHANNEL)?.head).toMatchObject({
      height: -1,
      halted: { height: 0, code: 'config_unavailable' },
    });
    expect(applier.channel(CHANNEL)?.head.halted?.message).toContain('ACCORD_LEDGER_URL is not set');
  });

  it('halts on a header-only event when no ledger API is configured', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    const events = blockCommittedEvents(h.blocks, { withConfig: true });
    await applier.applyBatch(
      asLog(TOPIC, [events[0], blockCommittedMessage(h.blocks[1], false, { withConfig: true, headerOnly: true })]),
    );
    expect(applier.channel(CHANNEL)?.head).toMatchObject({
      height: 0,
      halted: { height: 1, code: 'block_unavailable' },
    });
  });

  it('skips records that name no channel and halts the channel of a record that does not verify', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    const events = blockCommittedEvents(h.blocks, { withConfig: true });
    const tampered = JSON.parse(Buffer.from(events[1].value).toString('utf8'));
    tampered.block.txs.pop();
    await applier.applyBatch(
      asLog(TOPIC, [
        { value: Buffer.from('not json') },
        { value: canonicalBytes({ type: 'something.else' }) },
        events[0],
        { value: canonicalBytes(tampered) },
        events[2],
      ]),
    );
    expect(applier.nextOffset).toBe(5);
    expect(applier.channel(CHANNEL)?.head).toMatchObject({
      height: 0,
      halted: { height: 1, code: 'block_event_invalid' },
    });
    expect(applier.channel(CHANNEL)?.head.halted?.message).toContain('1 txs, the header says 2');
    expect(db.logLines.filter((l) => l.includes('names no channel'))).toHaveLength(2);
  });

  it('parks every record it cannot read, with its offset and why, and goes on', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    const events = blockCommittedEvents(h.blocks, { withConfig: true });
    const nextVersion = { ...JSON.parse(Buffer.from(events[1].value).toString('utf8')), v: 2 };
    const batch = asLog(TOPIC, [
      events[0],
      { value: Buffer.from('not json'), headers: { type: 'block.committed' } },
      { value: canonicalBytes(nextVersion) },
      events[2],
    ]);
    const before = (await db.parked(DEPT)).length;
    const logsBefore = db.logLines.length;
    await applier.applyBatch(batch);
    expect(applier.nextOffset).toBe(4);
    // The v2 event names the channel: it halts there rather than skip a height, and is parked too.
    expect(applier.channel(CHANNEL)?.head).toMatchObject({
      height: 0,
      halted: { height: 1, code: 'block_event_invalid' },
    });
    const parked = (await db.parked(DEPT)).slice(before);
    expect(parked.map(({ event }) => [event.topic, event.offset, event.consumer, event.reason.code])).toEqual([
      [TOPIC, 1, 'contracts', 'block_event_invalid'],
      [TOPIC, 2, 'contracts', 'block_event_invalid'],
    ]);
    expect(parked[0].message.topic).toBe('accord.dlq.dept-a.contracts');
    expect(parked[0].event.reason.message).toBe('block.committed record is not JSON');
    expect(Buffer.from(parked[0].event.value, 'hex').toString()).toBe('not json');
    expect(parked[0].event.headers).toEqual({ type: 'block.committed' });
    expect(parked[1].event.reason.message).toMatch(/^invalid block.committed event: v: /);
    const logged = db.logLines.slice(logsBefore).filter((l) => l.includes('"level":50') && l.includes('parked record'));
    expect(logged.map((l) => (JSON.parse(l) as { offset: number }).offset)).toEqual([1, 2]);
  });

  it('parks nothing and publishes nothing when every record reads', async () => {
    const { h } = story();
    const applier = await db.applier(DEPT);
    const before = (await db.parked(DEPT)).length;
    await applier.applyBatch(asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true })));
    expect(applier.channel(CHANNEL)?.head.halted).toBeNull();
    expect(await db.parked(DEPT)).toHaveLength(before);
  });

  it('refuses to apply behind another writer that moved the checkpoint', async () => {
    const { h } = story();
    const events = asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true }));
    const first: RulesApplier = await db.applier(DEPT);
    const second = await db.applier(DEPT);
    await first.applyBatch(events.slice(0, 2));
    await expect(second.applyBatch(events.slice(0, 2))).rejects.toBeInstanceOf(ConcurrentWriterError);
    await second.load();
    await second.applyBatch(events.slice(2));
    expect(await storedDigests()).toEqual(h.results.map((r) => r.digest));
  });
});
