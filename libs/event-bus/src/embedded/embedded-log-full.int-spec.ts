import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWriteFailedError, type LogUnwritableReason } from '../event-bus.errors';
import type { EventBusLogger } from '../event-bus.logger';
import type { LogMessage } from '../event-bus.port';
import { TmpfsDisk } from '../testing/tmpfs-disk';
import { waitFor } from '../testing/wait-for';
import { EmbeddedEventBus } from './embedded-event-bus.adapter';

jest.setTimeout(60_000);

const TOPIC = 'accord.full.tx';
/** Small enough to fill in a moment, big enough for the log's files and a few appends. */
const DISK_BYTES = 256 * 1024;

interface Line {
  readonly level: string;
  readonly message: string;
  readonly context?: Record<string, unknown>;
}

function capturingLogger(): EventBusLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, context?: Record<string, unknown>) =>
    lines.push({ level, message, context });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const text = (m: LogMessage): string => Buffer.from(m.value).toString();
const values = (prefix: string, count: number, bytes = 16) =>
  Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${prefix}-${i}-`.padEnd(bytes, '.')) }));
const texts = (prefix: string, count: number, bytes = 16) =>
  values(prefix, count, bytes).map((v) => v.value.toString());

/**
 * The rejection of a publish of `bytes` (more than a page: a small record may
 * still fit in the last page the segment file already holds), which must be
 * the typed error with this reason.
 */
async function refusal(bus: EmbeddedEventBus, reason: LogUnwritableReason, bytes = 8192): Promise<LogWriteFailedError> {
  const error: unknown = await bus.publish(TOPIC, values('refused', 1, bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LogWriteFailedError);
  expect(error).toMatchObject({ code: 'event_bus_log_write_failed', topic: TOPIC, reason });
  return error as LogWriteFailedError;
}

/** Polls until a publish is refused for `reason` (the log learns a new reason when it probes the disk again). */
async function waitForRefusal(bus: EmbeddedEventBus, reason: LogUnwritableReason): Promise<void> {
  await waitFor(`publish refused with reason ${reason}`, async () => {
    const error: unknown = await bus.publish(TOPIC, values('probe', 1)).then(
      () => new Error(`a publish was accepted while the disk should be ${reason}`),
      (e: unknown) => e,
    );
    if (!(error instanceof LogWriteFailedError)) throw error;
    return error.reason === reason;
  });
}

/**
 * The embedded log on a disk that fills up or turns read-only, for real:
 * each test mounts a 256 KiB tmpfs for the log directory, fills it to
 * ENOSPC with a filler file, and remounts it read-only (EROFS). NEEDS ROOT
 * (or CAP_SYS_ADMIN) to mount; without it the tests fail saying so, they do
 * not skip. Appends are refused with LogWriteFailedError (reason
 * disk_full / read_only) while reads go on, isHealthy() is false, nothing
 * committed before is lost, no torn record survives a reopen, and appends
 * resume on their own once the disk takes writes again.
 */
describe('embedded log: disk full or read-only (a tmpfs mounted for the test; needs root)', () => {
  let root: string;
  let disk: TmpfsDisk;
  let dataDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'accord-log-full-'));
    disk = await TmpfsDisk.mount(join(root, 'disk'), DISK_BYTES);
    dataDir = join(disk.dir, 'bus');
  });

  afterEach(async () => {
    await disk?.unmount();
    await rm(root, { recursive: true, force: true });
  });

  const open = (logger = capturingLogger()) => EmbeddedEventBus.open({ dataDir, logger });

  it('disk full: appends are refused with disk_full, reads go on, and appends resume once space is freed', async () => {
    const logger = capturingLogger();
    const bus = await open(logger);
    await bus.ensureTopic(TOPIC);
    await bus.publish(TOPIC, values('a', 20));
    expect(await disk.fill()).toBeGreaterThan(0);

    const error = await refusal(bus, 'disk_full');
    expect(error.message).toMatch(/its disk is full \((ENOSPC|short write)?/);
    expect(await bus.isHealthy()).toBe(false);
    // Refused at once while the disk is full, and readers still see every committed record.
    await refusal(bus, 'disk_full');
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual(texts('a', 20));
    expect(await bus.endOffset(TOPIC)).toBe(20);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', context: expect.objectContaining({ reason: 'disk_full' }) }),
    );

    await disk.free();
    await waitFor('the log to take writes again', () => bus.isHealthy());
    expect(await bus.publish(TOPIC, values('b', 5))).toEqual({ topic: TOPIC, baseOffset: 20, count: 5 });
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual([...texts('a', 20), ...texts('b', 5)]);
    expect(logger.lines.map((l) => l.message)).toContain('the embedded log takes writes again; appends resume');
    await bus.close();

    // Reopened: the same records, nothing torn to cut off.
    const reopenLogger = capturingLogger();
    const again = await open(reopenLogger);
    expect((await again.read(TOPIC, 0, 100)).map(text)).toEqual([...texts('a', 20), ...texts('b', 5)]);
    expect(reopenLogger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    await again.close();
  });

  it('a record torn by the full disk is cut off when the log is reopened; the records before it stay', async () => {
    const bus = await open();
    await bus.ensureTopic(TOPIC);
    await bus.publish(TOPIC, values('a', 10));
    const [segment] = (await readdir(join(dataDir, 'topics', TOPIC))).filter((n) => n.endsWith('.log'));
    const segmentPath = join(dataDir, 'topics', TOPIC, segment);
    const intact = (await stat(segmentPath)).size;
    // Room for part of a big record only: the write stops short, leaving a torn record in the file.
    const room = 24 * 1024;
    await disk.fill(room);
    await refusal(bus, 'disk_full', 4 * room);
    const torn = (await stat(segmentPath)).size;
    expect(torn).toBeGreaterThan(intact);
    // The process stops while the disk is still full (no recovery ran).
    await bus.close();

    await disk.free();
    const logger = capturingLogger();
    const reopened = await open(logger);
    expect(await reopened.endOffset(TOPIC)).toBe(10);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'truncating a torn tail of the embedded log',
        context: expect.objectContaining({ keptBytes: intact, droppedBytes: torn - intact }),
      }),
    );
    expect((await stat(segmentPath)).size).toBe(intact);
    expect(await reopened.publish(TOPIC, values('b', 2))).toMatchObject({ baseOffset: 10, count: 2 });
    expect((await reopened.read(TOPIC, 0, 100)).map(text)).toEqual([...texts('a', 10), ...texts('b', 2)]);
    await reopened.close();
  });

  it('read-only under a running log: refused with read_only (a new topic too), reads go on, resumes once writable', async () => {
    const bus = await open();
    await bus.ensureTopic(TOPIC);
    await bus.publish(TOPIC, values('a', 8));
    // Between appends the log holds no file open for writing, so the kernel lets the disk go read-only.
    await disk.remount('ro');
    await refusal(bus, 'read_only', 16);
    expect(await bus.isHealthy()).toBe(false);
    await expect(bus.ensureTopic('accord.full.other')).rejects.toMatchObject({
      code: 'event_bus_log_write_failed',
      reason: 'read_only',
    });
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual(texts('a', 8));

    await disk.remount('rw');
    await waitFor('the log to take writes again', () => bus.isHealthy());
    expect(await bus.publish(TOPIC, values('b', 3))).toMatchObject({ baseOffset: 8, count: 3 });
    await bus.ensureTopic('accord.full.other');
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual([...texts('a', 8), ...texts('b', 3)]);
    await bus.close();
  });

  it('the reason follows the disk: disk_full, read_only once remounted, disk_full when writable but full, then resumes', async () => {
    const bus = await open();
    await bus.ensureTopic(TOPIC);
    await bus.publish(TOPIC, values('a', 8));
    await disk.fill();
    await refusal(bus, 'disk_full');
    await disk.remount('ro');
    await waitForRefusal(bus, 'read_only');
    expect(await bus.isHealthy()).toBe(false);
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual(texts('a', 8));

    await disk.remount('rw');
    await waitForRefusal(bus, 'disk_full');
    await disk.free();
    await waitFor('the log to take writes again', () => bus.isHealthy());
    expect(await bus.publish(TOPIC, values('b', 3))).toMatchObject({ baseOffset: 8, count: 3 });
    expect((await bus.read(TOPIC, 0, 100)).map(text)).toEqual([...texts('a', 8), ...texts('b', 3)]);
    await bus.close();
  });
});
