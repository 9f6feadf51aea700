import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockBuilder, type ClosedBlock } from '@accord/ledger-core';
import { rotatedMember, testMember, TestLog } from '@accord/ledger-core/testing';
import { createEventBus, silentEventBusLogger, type EventBus, type LogMessage } from '@accord/event-bus';
import { withTransaction } from '@accord/persistence';
import { parseAttestation, parseCanonicalJson, verifyAttestation, type ValidityCode } from '@accord/protocol';
import { waitFor } from '@accord/event-bus/testing';
import { attestTopic, blocksTopic, recordKind, txTopic } from '@accord/events';
import type { BlockToCommit } from '../persistence/block.repository';
import { PipelineFixture } from '../testing/ledger-pipeline.fixture';
import type { ChannelRunner } from './channel.runner';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');
const outsider = testMember('outsider');

interface Scenario {
  readonly log: TestLog;
  /** Offsets whose validity code the scenario is about. */
  readonly expect: ReadonlyMap<number, ValidityCode>;
  /** Offsets to publish with an unknown `kind` header or none at all (both mean tx). */
  readonly oddHeaders: ReadonlyMap<number, Record<string, string>>;
}

/** An alliance's log with every kind of record: governance, garbage, forgeries, replays, oversize, stray markers. */
function governanceScenario(channel: string, extraTxs = 24): Scenario {
  const log = new TestLog(channel);
  const expect = new Map<number, ValidityCode>();
  const oddHeaders = new Map<number, Record<string, string>>();
  expect.set(log.rawTx('garbage before genesis'), 'schema_error');
  expect.set(
    log.genesis(a, 'alliance', [a, b, c], {
      policy: { maxTxPerBlock: 6, maxTxBytes: 2048, batchTimeoutMs: 40, votingWindowBlocks: 50 },
    }).offset,
    'valid',
  );
  log.cut(0);
  expect.set(log.tx(a).offset, 'valid');
  expect.set(log.tx(b).offset, 'valid');
  const odd = log.tx(c).offset;
  oddHeaders.set(odd, { kind: 'weird' });
  expect.set(odd, 'valid');
  const bare = log.tx(a).offset;
  oddHeaders.set(bare, {});
  expect.set(bare, 'valid');
  expect.set(log.tx(outsider).offset, 'unknown_member');
  expect.set(log.tx(b, 'test.note', { forged: true }, { signedBy: a }).offset, 'bad_signature');
  expect.set(log.tx(a, 'test.note', { again: true }, { nonce: 0 }).offset, 'replayed');
  expect.set(log.tx(a, 'test.note', { blob: 'x'.repeat(3000) }).offset, 'too_large');
  expect.set(log.tx(b, 'test.note', {}, { channel: 'elsewhere' }).offset, 'wrong_channel');
  log.cut(99);
  log.rawCut('a garbage marker');
  expect.set(log.rawTx(Buffer.from([0xff, 0x00, 0xfe])), 'schema_error');
  const join = log.joinRequest(d);
  expect.set(join.offset, 'valid');
  expect.set(log.joinVote(outsider, join.txId, true).offset, 'unknown_member');
  expect.set(log.joinVote(a, join.txId, true).offset, 'valid');
  expect.set(log.joinVote(a, join.txId, true).offset, 'config_rejected');
  expect.set(log.joinVote(b, join.txId, true).offset, 'valid');
  expect.set(log.tx(d).offset, 'valid');
  expect.set(log.leave(d).offset, 'valid');
  expect.set(log.tx(d).offset, 'removed_member');
  const c2 = rotatedMember(c);
  expect.set(log.rotateKeys(c, c2).offset, 'valid');
  for (let i = 0; i < extraTxs; i++) log.tx([a, b, c2][i % 3]);
  return { log, expect, oddHeaders };
}

async function publish(bus: EventBus, scenario: Scenario, from: number, to: number): Promise<void> {
  const records = scenario.log.records.slice(from, to);
  if (records.length === 0) return;
  await bus.publish(
    txTopic(scenario.log.channel),
    records.map((r) => ({ value: r.value, headers: scenario.oddHeaders.get(r.offset) ?? { kind: r.kind } })),
  );
}

async function readAll(bus: EventBus, topic: string): Promise<LogMessage[]> {
  const out: LogMessage[] = [];
  for (;;) {
    const batch = await bus.read(topic, out.length, 1000);
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

/** The blocks ledger-core alone builds from the topic as it is now, with what the ledger stores alongside. */
async function reference(bus: EventBus, channel: string): Promise<BlockToCommit[]> {
  const builder = new BlockBuilder(BlockBuilder.initialSnapshot(channel));
  const out: BlockToCommit[] = [];
  let records: { offset: number; value: Uint8Array }[] = [];
  let config = 'null';
  for (const m of await readAll(bus, txTopic(channel))) {
    const kind = recordKind(m.headers);
    if (kind === 'tx') records.push({ offset: m.offset, value: m.value });
    const closed: ClosedBlock | undefined = builder.push({
      offset: m.offset,
      timestamp: m.timestamp,
      kind,
      value: m.value,
    });
    if (closed === undefined) continue;
    const key = JSON.stringify(closed.config);
    out.push({ closed, records, configChanged: key !== config });
    config = key;
    records = [];
  }
  return out;
}

function markerFrom(m: LogMessage): string | undefined {
  try {
    return (parseCanonicalJson(m.value) as { from?: string }).from;
  } catch {
    return undefined;
  }
}

/** Waits until the runner has committed and announced everything on the topic. */
async function settled(f: PipelineFixture, bus: EventBus, runner: ChannelRunner): Promise<number> {
  return waitFor(
    () => `${runner.channel} to settle (${JSON.stringify(runner.status())})`,
    async () => {
      const end = await bus.endOffset(txTopic(runner.channel));
      const s = runner.status();
      if (
        s.state !== 'running' ||
        s.openBlock !== null ||
        s.pendingBlocks > 0 ||
        s.committedOffset !== end ||
        s.head === null
      )
        return undefined;
      const state = await f.channels.get(runner.channel);
      return state.publishedHeight === s.head.height ? s.head.height : undefined;
    },
  );
}

async function expectSameAsReference(f: PipelineFixture, bus: EventBus, channel: string): Promise<BlockToCommit[]> {
  const expected = await reference(bus, channel);
  const stored = await f.blocks.getBlocks(channel, 0, Number.MAX_SAFE_INTEGER);
  expect(stored.map((s) => s.header.height)).toEqual(expected.map((_, i) => i));
  expect(stored.map((s) => s.block)).toEqual(expected.map((e) => e.closed.block));
  expect(stored.map((s) => s.txIds)).toEqual(expected.map((e) => e.closed.txIds));
  expect(stored.map((s) => s.configChanged)).toEqual(expected.map((e) => e.configChanged));
  const [{ n }] = await f.dataSource.query('SELECT count(*)::int AS n FROM ledger_tx WHERE channel = $1', [channel]);
  expect(n).toBe(expected.reduce((sum, e) => sum + e.closed.block.txs.length, 0));
  const last = expected[expected.length - 1].closed;
  const state = await f.channels.get(channel);
  expect(state.snapshot).toEqual(last.snapshot);
  expect(await f.blocks.keyChanges(channel)).toEqual(expected.flatMap((e) => e.closed.keyChanges));
  expect(await f.blocks.configAt(channel, last.block.header.height)).toEqual(last.config);
  return expected;
}

jest.setTimeout(30_000);

describe('ChannelRunner (PGlite + embedded log)', () => {
  let dir: string;
  let bus: EventBus;
  let f: PipelineFixture;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-runner-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: join(dir, 'bus'), logger: silentEventBusLogger });
    f = await PipelineFixture.open({ department: a, bus, database: { kind: 'pglite', dataDir: 'memory://' } });
  });

  afterAll(async () => {
    await f?.close();
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds from a governance log with garbage and stray markers the blocks ledger-core builds, cuts idle blocks itself, and announces them', async () => {
    const scenario = governanceScenario('gov');
    const runner = await f.follow('gov');
    const n = scenario.log.records.length;
    await publish(bus, scenario, 0, 12);
    await new Promise((resolve) => setTimeout(resolve, 80)); // long enough for the runner's own cut marker
    await publish(bus, scenario, 12, 30);
    await publish(bus, scenario, 30, n);
    const head = await settled(f, bus, runner);

    const expected = await expectSameAsReference(f, bus, 'gov');
    expect(head).toBe(expected.length - 1);
    // Our own cut markers (from dept-a; the scenario's say "cutter") sit between the scenario's records.
    const log = await readAll(bus, txTopic('gov'));
    const ours = (m: LogMessage) => m.headers.kind === 'cut' && markerFrom(m) === 'dept-a';
    const markers = log.filter(ours);
    expect(markers.length).toBeGreaterThan(0);
    const busOffset = log.filter((m) => !ours(m)).map((m) => m.offset);
    expect(busOffset).toHaveLength(n);
    const byOffset = new Map<number, ValidityCode>();
    for (const e of expected) e.records.forEach((r, i) => byOffset.set(r.offset, e.closed.block.txs[i].code));
    for (const [offset, code] of scenario.expect)
      expect([offset, byOffset.get(busOffset[offset])]).toEqual([offset, code]);
    const config = expected[expected.length - 1].closed.config;
    expect(config?.members.map((m) => [m.id, m.status])).toEqual([
      ['dept-a', 'active'],
      ['dept-b', 'active'],
      ['dept-c', 'active'],
      ['dept-d', 'removed'],
    ]);

    // The runner closed idle blocks with its own markers: the last block ends on one.
    expect(expected[expected.length - 1].closed.block.header.lastOffset).toBe(markers[markers.length - 1].offset);

    // block.committed for every height, in order, with the complete block.
    const events = (await readAll(bus, blocksTopic('dept-a'))).map(
      (m) => parseCanonicalJson(m.value) as { channel: string; block: unknown; type: string },
    );
    const gov = events.filter((e) => e.channel === 'gov');
    expect(gov.map((e) => e.type)).toEqual(expected.map(() => 'block.committed'));
    expect(gov.map((e) => e.block)).toEqual(expected.map((e) => e.closed.block));

    // Our signed attestation of each block (dept-a is a member from block 0 on).
    const attestations = (await readAll(bus, attestTopic('gov'))).map((m) => parseAttestation(m.value));
    expect(attestations.map((x) => [x.body.height, x.body.blockHash])).toEqual(
      expected.map((e) => [e.closed.block.header.height, e.closed.block.hash]),
    );
    expect(attestations.every((x) => x.body.from === 'dept-a' && verifyAttestation(x, a.keys.ed25519.publicKey))).toBe(
      true,
    );
    expect(f.logLines.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('resumes from the database after a stop mid-stream and ends with identical blocks, none twice', async () => {
    const scenario = governanceScenario('restart', 60);
    const n = scenario.log.records.length;
    const first = await f.follow('restart', { readBatch: 7 });
    const notices: number[] = [];
    const unsubscribe = f.notifier.subscribe((blocks) =>
      notices.push(...blocks.filter((x) => x.channel === 'restart').map((x) => x.height)),
    );
    await publish(bus, scenario, 0, 40);
    await waitFor('a few blocks', async () => ((first.status().head?.height ?? -1) >= 3 ? true : undefined));
    await publish(bus, scenario, 40, 60);
    await first.stop();
    expect(first.status().state).toBe('stopped');
    await publish(bus, scenario, 60, n);
    const second = await f.follow('restart', { readBatch: 7 });
    await settled(f, bus, second);
    unsubscribe();
    const expected = await expectSameAsReference(f, bus, 'restart');
    expect(notices).toEqual(expected.map((_, i) => i));
  });

  it("stores groups whose rows exceed PostgreSQL's 65,535 bind parameters (chunked INSERTs, one transaction per group)", async () => {
    // 8,000 garbage records before any genesis: 16 blocks of 500 raw entries, 80,000 tx-row parameters in one group.
    const log = new TestLog('flood');
    for (let i = 0; i < 8000; i++) log.rawTx(`junk ${i}`);
    await bus.ensureTopic(txTopic('flood'));
    await publish(bus, { log, expect: new Map(), oddHeaders: new Map() }, 0, 8000);
    const blocks = await reference(bus, 'flood');
    expect(blocks.map((b) => b.closed.block.txs.length)).toEqual(Array.from({ length: 16 }, () => 500));
    await f.channels.follow('flood', 'api');
    expect(await f.committer.commit('flood', blocks)).toMatchObject({ alreadyStored: 0, stored: blocks });
    await expectSameAsReference(f, bus, 'flood');
  });

  it('skips blocks it rebuilds that are already stored with the same hash, and stops with an alert when one differs', async () => {
    const expected = await reference(bus, 'gov');
    expect(expected.length).toBeGreaterThan(4);
    // Committing stored blocks again changes nothing.
    expect((await f.committer.commit('gov', expected.slice(1, 4))).alreadyStored).toBe(3);

    // The snapshot goes back to block 1 (as after restoring an older backup of that row): blocks 2.. are rebuilt and skipped.
    const rewind = async () =>
      withTransaction(f.dataSource, (m) => f.channels.saveSnapshot(m, expected[1].closed.snapshot));
    await Promise.all(f.runners.map((r) => r.stop()));
    await rewind();
    const again = await f.follow('gov');
    await settled(f, bus, again);
    await expectSameAsReference(f, bus, 'gov');
    await again.stop();

    // Block 2's stored hash altered by hand: rebuilding it from the log disagrees.
    await f.dataSource.query("UPDATE ledger_block SET hash = $1 WHERE channel = 'gov' AND height = 2", [
      'ab'.repeat(32),
    ]);
    await rewind();
    const diverged = await f.follow('gov');
    await waitFor('divergence', () => diverged.status().state === 'diverged');
    expect(diverged.status().lastError).toMatch(/block 2 rebuilt from the log has hash/);
    const [alert] = await f.alerts.list({ channel: 'gov', limit: 10 });
    expect(alert).toMatchObject({
      id: 'rebuild:gov:2',
      reason: 'rebuild_mismatch',
      expected: 'ab'.repeat(32),
      observed: [expected[2].closed.block.hash],
    });
    expect(f.logLines.some((l) => l.includes('LEDGER DIVERGENCE'))).toBe(true);
  });
});
