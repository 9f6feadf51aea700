import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LogCorruptedError, LogLockedError, InvalidEventBusConfigError } from '../event-bus.errors';
import type { EventBusLogger } from '../event-bus.logger';
import type { LogMessage } from '../event-bus.port';
import { EmbeddedEventBus } from './embedded-event-bus.adapter';

const TOPIC = 'accord.recovery.tx';

function capturingLogger(): EventBusLogger & {
  lines: { level: string; message: string; context?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; context?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, context?: Record<string, unknown>) =>
    lines.push({ level, message, context });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const text = (m: LogMessage): string => Buffer.from(m.value).toString();
const values = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${prefix}-${i}`) }));

describe('embedded log: recovery, index, lock and group commit', () => {
  let dataDir: string;
  let topicDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'accord-embedded-recovery-'));
    topicDir = join(dataDir, 'topics', TOPIC);
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function segmentFiles(): Promise<string[]> {
    return (await readdir(topicDir)).filter((n) => n.endsWith('.log')).sort();
  }

  async function lastSegment(): Promise<string> {
    const files = await segmentFiles();
    return join(topicDir, files[files.length - 1]);
  }

  /** Writes three publishes (2, 3 and 4 messages) and closes the log. */
  async function writeThreePublishes(segmentBytes?: number): Promise<void> {
    const bus = await EmbeddedEventBus.open({ dataDir, segmentBytes });
    await bus.ensureTopic(TOPIC);
    await bus.publish(TOPIC, values('a', 2));
    await bus.publish(TOPIC, values('b', 3));
    await bus.publish(TOPIC, values('c', 4));
    await bus.close();
  }

  async function reopen(logger = capturingLogger(), segmentBytes?: number) {
    const bus = await EmbeddedEventBus.open({ dataDir, logger, segmentBytes });
    return { bus, logger };
  }

  it('cuts off a partial record at the end (torn append) and keeps appending after it', async () => {
    await writeThreePublishes();
    const path = await lastSegment();
    const intact = (await stat(path)).size;
    await appendFile(path, Buffer.from([0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
    const { bus, logger } = await reopen();
    expect(await bus.endOffset(TOPIC)).toBe(9);
    expect(
      logger.lines.some((l) => l.level === 'warn' && l.message === 'truncating a torn tail of the embedded log'),
    ).toBe(true);
    expect((await stat(path)).size).toBe(intact);
    const next = await bus.publish(TOPIC, values('d', 1));
    expect(next.baseOffset).toBe(9);
    expect((await bus.read(TOPIC, 0, 20)).map(text)).toEqual([
      'a-0',
      'a-1',
      'b-0',
      'b-1',
      'b-2',
      'c-0',
      'c-1',
      'c-2',
      'c-3',
      'd-0',
    ]);
    await bus.close();
  });

  it('drops a publish whose write was torn as a whole, even its complete records', async () => {
    await writeThreePublishes();
    const path = await lastSegment();
    // Cut inside the last record of publish "c": its first three records are intact on disk.
    await truncate(path, (await stat(path)).size - 3);
    const { bus } = await reopen();
    expect(await bus.endOffset(TOPIC)).toBe(5);
    expect((await bus.read(TOPIC, 0, 20)).map(text)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'b-2']);
    await bus.close();
  });

  it('truncates at a corrupted record in the active segment and at a zero-filled tail', async () => {
    await writeThreePublishes();
    const path = await lastSegment();
    const content = await readFile(path);
    const size = content.length;
    // Flip one byte inside publish "c" (the last 4 records).
    content[size - 60] ^= 0xff;
    await writeFile(path, content);
    let { bus } = await reopen();
    expect(await bus.endOffset(TOPIC)).toBe(5);
    await bus.close();

    await appendFile(path, Buffer.alloc(4096));
    ({ bus } = await reopen());
    expect(await bus.endOffset(TOPIC)).toBe(5);
    await bus.close();
  });

  it('rolls segments, persists the sparse index of sealed ones and reads across them from any offset', async () => {
    const bus = await EmbeddedEventBus.open({ dataDir, segmentBytes: 4096 });
    await bus.ensureTopic(TOPIC);
    for (let i = 0; i < 40; i++) {
      await bus.publish(
        TOPIC,
        Array.from({ length: 25 }, (_, k) => ({ value: Buffer.from(`m-${i * 25 + k}-${'p'.repeat(k)}`) })),
      );
    }
    await bus.close();
    const files = await segmentFiles();
    expect(files.length).toBeGreaterThan(5);
    const indexes = (await readdir(topicDir)).filter((n) => n.endsWith('.index'));
    expect(indexes).toHaveLength(files.length - 1);

    const { bus: reopened } = await reopen(undefined, 4096);
    expect(await reopened.endOffset(TOPIC)).toBe(1000);
    for (const from of [0, 1, 24, 25, 333, 500, 998, 999]) {
      const read = await reopened.read(TOPIC, from, 30);
      expect(read.map((m) => m.offset)).toEqual(Array.from({ length: Math.min(30, 1000 - from) }, (_, i) => from + i));
      expect(text(read[0]).startsWith(`m-${from}-`)).toBe(true);
    }
    await reopened.close();
  });

  it('rebuilds a missing index and reports corruption inside a sealed segment', async () => {
    const bus = await EmbeddedEventBus.open({ dataDir, segmentBytes: 4096 });
    await bus.ensureTopic(TOPIC);
    for (let i = 0; i < 10; i++) await bus.publish(TOPIC, values(`s${i}`, 20));
    await bus.close();
    const first = join(topicDir, (await segmentFiles())[0]);
    const firstIndex = first.replace(/\.log$/, '.index');

    await unlink(firstIndex);
    // Topics open lazily, on first use.
    const rebuilt = await reopen(undefined, 4096);
    let reopened = rebuilt.bus;
    expect((await reopened.read(TOPIC, 0, 200)).map((m) => m.offset)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(rebuilt.logger.lines.some((l) => l.message === 'rebuilt the index of a sealed segment')).toBe(true);
    await reopened.close();
    expect((await stat(firstIndex)).size).toBeGreaterThan(0);

    // A damaged sealed segment is never "recovered" by truncation: reads fail loudly...
    const content = await readFile(first);
    content[100] ^= 0x01;
    await writeFile(first, content);
    ({ bus: reopened } = await reopen(undefined, 4096));
    await expect(reopened.read(TOPIC, 0, 200)).rejects.toBeInstanceOf(LogCorruptedError);
    await reopened.close();
    // ...and without its index, opening the topic fails.
    await unlink(firstIndex);
    ({ bus: reopened } = await reopen(undefined, 4096));
    await expect(reopened.endOffset(TOPIC)).rejects.toBeInstanceOf(LogCorruptedError);
    await reopened.close();
  });

  it('rejects an unreadable committed-offset file with LogCorruptedError', async () => {
    await writeThreePublishes();
    const { bus } = await reopen();
    const sub = await bus.subscribe({ topic: TOPIC, groupId: 'g', handler: async () => undefined });
    await sub.stop();
    await writeFile(join(topicDir, 'groups', 'g.offset'), 'garbage');
    await expect(bus.subscribe({ topic: TOPIC, groupId: 'g', handler: async () => undefined })).rejects.toBeInstanceOf(
      LogCorruptedError,
    );
    await bus.close();
  });

  it('allows one open per directory, and takes over the lock of a dead process', async () => {
    const bus = await EmbeddedEventBus.open({ dataDir });
    const second = EmbeddedEventBus.open({ dataDir });
    await expect(second).rejects.toBeInstanceOf(LogLockedError);
    await expect(second).rejects.toMatchObject({ holderPid: process.pid, code: 'event_bus_log_locked' });
    await bus.close();

    // A pid that surely exited: a child we ran to completion.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dataDir, 'LOCK'), `${dead.stdout}\n`);
    const logger = capturingLogger();
    const taken = await EmbeddedEventBus.open({ dataDir, logger });
    expect(logger.lines.map((l) => l.message)).toContain('taking over a stale embedded log lock');
    expect(await readFile(join(dataDir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await taken.close();
    await expect(stat(join(dataDir, 'LOCK'))).rejects.toMatchObject({ code: 'ENOENT' });

    // A live foreign holder (our parent process) is respected.
    await writeFile(join(dataDir, 'LOCK'), `${process.ppid}\n`);
    await expect(EmbeddedEventBus.open({ dataDir })).rejects.toMatchObject({ holderPid: process.ppid });
  });

  it('groups concurrent publishes into few writes, and log time never goes backwards', async () => {
    let now = 1_000_000;
    let calls = 0;
    // Each write asks the clock once; a clock that runs backwards must not show in the log.
    const clock = {
      now: (): number => {
        calls++;
        now -= 10;
        return now;
      },
    };
    const bus = await EmbeddedEventBus.open({ dataDir, clock });
    await bus.ensureTopic(TOPIC);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => bus.publish(TOPIC, values(`g${i}`, 3))));
    expect(results.map((r) => r.baseOffset).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i * 3),
    );
    expect(calls).toBeLessThan(50);
    const read = await bus.read(TOPIC, 0, 600);
    expect(new Set(read.map((m) => m.timestamp))).toEqual(new Set([999_990]));
    await bus.close();
  });

  it('validates its configuration, listing every problem', async () => {
    await expect(
      EmbeddedEventBus.open({ dataDir: '', segmentBytes: 10, maxBatchBytes: -1, handlerRetry: { initialMs: 0 } }),
    ).rejects.toThrow(InvalidEventBusConfigError);
    await expect(EmbeddedEventBus.open({ dataDir: '', segmentBytes: 10 })).rejects.toThrow(/dataDir.*segmentBytes/);
  });
});
