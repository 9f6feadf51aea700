import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { testMember, TestLog } from '@accord/ledger-core/testing';
import { KIND_HEADER, txTopic } from '@accord/events';
import { toPreparedRecord, TxTopicReader, type ReadProgress } from './tx-topic.reader';

const a = testMember('dept-a');
const CHANNEL = 'test-channel';
const TOPIC = txTopic(CHANNEL);

describe('TxTopicReader', () => {
  let dir: string;
  let bus: EventBus;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tx-topic-reader-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: join(dir, 'bus'), logger: silentEventBusLogger });
    const l = new TestLog(CHANNEL);
    l.genesis(a, 'alliance', [a]);
    l.cut(0);
    for (let i = 0; i < 10; i++) l.tx(a);
    await bus.ensureTopic(TOPIC);
    await bus.publish(
      TOPIC,
      l.records.map((r) => ({ value: r.value, headers: { [KIND_HEADER]: r.kind } })),
    );
  });

  afterAll(async () => {
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the topic in batches from an offset, parsed, reporting where it is and when it reached the end', async () => {
    const progress: ReadProgress[] = [];
    const reader = new TxTopicReader(bus, TOPIC, 5, 1, (p) => progress.push(p));
    const batches: number[][] = [];
    for (let i = 0; i < 4; i++) batches.push((await reader.next()).map((r) => r.offset));
    expect(batches).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11], []]);
    expect(progress).toEqual([
      { readOffset: 6, atEndOfLog: false },
      { readOffset: 11, atEndOfLog: false },
      { readOffset: 12, atEndOfLog: true },
      { readOffset: 12, atEndOfLog: true },
    ]);
    const [first] = await new TxTopicReader(bus, TOPIC, 5, 0).next();
    expect(first).toMatchObject({ offset: 0, kind: 'tx' });
  });

  it('finds records published after it reached the end of the log', async () => {
    const reader = new TxTopicReader(bus, TOPIC, 100, 12);
    expect(await reader.next()).toEqual([]);
    const l = new TestLog(CHANNEL);
    l.cut(1);
    await bus.publish(TOPIC, [{ value: l.records[0].value, headers: { [KIND_HEADER]: 'cut' } }]);
    expect((await reader.next()).map((r) => [r.offset, r.kind])).toEqual([[12, 'cut']]);
  });

  it('turns an odd timestamp into 0', () => {
    const record = toPreparedRecord({ topic: TOPIC, offset: 3, timestamp: -5, headers: {}, value: Buffer.from('x') });
    expect(record).toMatchObject({ offset: 3, timestamp: 0, kind: 'tx' });
  });
});
