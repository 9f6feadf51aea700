import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBusClosedError, LogCorruptedError, LogWriteFailedError } from '../event-bus.errors';
import type { EventBusLogger } from '../event-bus.logger';
import { describeError } from '../event-bus.logger';
import type { LogMessage, OutgoingMessage, PublishResult } from '../event-bus.port';
import { fsyncDirectory } from './durable-file.util';
import { GroupOffsetStore } from './group-offset.store';
import {
  SEGMENT_HEADER_BYTES,
  checkFrame,
  decodeFrame,
  encodeRecords,
  type EncodedRecords,
} from './segment-record.codec';
import { Segment, parseSegmentFileName } from './segment.store';
import { unwritableReason } from './unwritable-reason';

export interface TopicLogOptions {
  readonly segmentBytes: number;
  readonly clock: { now(): number };
  readonly logger: EventBusLogger;
}

interface PendingAppend {
  readonly messages: readonly OutgoingMessage[];
  readonly estimatedBytes: number;
  readonly resolve: (result: PublishResult) => void;
  readonly reject: (error: unknown) => void;
}

interface EncodedAppend {
  readonly encoded: EncodedRecords;
  readonly baseOffset: number;
  readonly count: number;
  readonly pending: PendingAppend;
}

/** Appends waiting for one write+fsync are grouped up to this many estimated bytes. */
const GROUP_COMMIT_BYTES = 16 * 1024 * 1024;
const FIRST_READ_CHUNK_BYTES = 64 * 1024;
const MAX_READ_CHUNK_BYTES = 8 * 1024 * 1024;
/** First wait before probing a disk that refused a write, doubling up to RECOVERY_MAX_MS. */
const RECOVERY_INITIAL_MS = 250;
const RECOVERY_MAX_MS = 5000;
/** What a recovery probe writes and syncs before appends resume: room for a few appends, not just one byte. */
const PROBE_BYTES = 64 * 1024;
const PROBE_FILE = '.write-probe.tmp';

/**
 * The log of one topic: a directory of segment files. One writer (this
 * object) appends with group commit: appends that arrive while a write+fsync
 * is in flight are encoded together and made durable by the next single
 * write+fsync. Readers only ever see synced records (`endOffset`).
 */
export class TopicLog {
  readonly offsets: GroupOffsetStore;
  private readonly queue: PendingAppend[] = [];
  private flushing = false;
  /** Set while the disk cannot take writes: appends are refused with it until a recovery succeeds. */
  private failure: LogWriteFailedError | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recoveryAttempts = 0;
  private lastTimestamp: number;
  private readonly listeners = new Set<() => void>();
  /** Pending long-poll waits, ended early when the bus closes. */
  private readonly closeWaiters = new Set<() => void>();
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  private constructor(
    readonly topic: string,
    readonly dir: string,
    private readonly segments: Segment[],
    private readonly options: TopicLogOptions,
  ) {
    this.offsets = new GroupOffsetStore(dir);
    this.lastTimestamp = segments[segments.length - 1].lastTimestamp;
    for (let i = segments.length - 2; i >= 0 && this.lastTimestamp === 0; i--) {
      this.lastTimestamp = segments[i].lastTimestamp;
    }
  }

  /** Creates the topic directory atomically (built aside, then renamed into place). */
  static async create(topicsDir: string, topic: string, options: TopicLogOptions): Promise<TopicLog> {
    const dir = join(topicsDir, topic);
    const staging = join(topicsDir, `.creating-${topic}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    const first = await Segment.create(staging, 0);
    await first.close();
    await rename(staging, dir);
    await fsyncDirectory(topicsDir);
    return TopicLog.open(dir, topic, options);
  }

  /** Opens an existing topic directory, recovering the tail of the active segment. */
  static async open(dir: string, topic: string, options: TopicLogOptions): Promise<TopicLog> {
    const names = await readdir(dir);
    for (const name of names) {
      if (name.endsWith('.tmp')) await unlink(join(dir, name)).catch(() => undefined);
    }
    const bases = names
      .map(parseSegmentFileName)
      .filter((base): base is number => base !== undefined)
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    try {
      if (bases.length === 0) {
        segments.push(await Segment.create(dir, 0));
      } else {
        if (bases[0] !== 0) {
          throw new LogCorruptedError(`topic ${topic}: first segment starts at offset ${bases[0]}, not 0`);
        }
        for (let i = 0; i < bases.length - 1; i++) {
          segments.push(await Segment.openSealed(dir, bases[i], options.logger));
        }
        segments.push(await Segment.openActive(dir, bases[bases.length - 1], options.logger));
      }
      for (let i = 0; i < segments.length - 1; i++) {
        if (segments[i].nextOffset !== segments[i + 1].baseOffset) {
          throw new LogCorruptedError(
            `topic ${topic}: segment ${segments[i].path} ends at offset ${segments[i].nextOffset} ` +
              `but the next segment starts at ${segments[i + 1].baseOffset}`,
          );
        }
      }
    } catch (error) {
      await Promise.all(segments.map((s) => s.close().catch(() => undefined)));
      throw error;
    }
    return new TopicLog(topic, dir, segments, options);
  }

  /** Offset the next appended record will get; everything below it is durable. */
  get endOffset(): number {
    return this.active.nextOffset;
  }

  get healthy(): boolean {
    return this.failure === undefined && !this.closed;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /** Queues an append; resolves once the batch is on disk (fsync). */
  append(messages: readonly OutgoingMessage[], estimatedBytes: number): Promise<PublishResult> {
    if (this.closed) return Promise.reject(new EventBusClosedError());
    if (this.failure) return Promise.reject(this.failure);
    if (messages.length === 0) {
      return Promise.resolve({ topic: this.topic, baseOffset: this.endOffset, count: 0 });
    }
    return new Promise<PublishResult>((resolve, reject) => {
      this.queue.push({ messages, estimatedBytes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Calls `listener` after every durable append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once a record is durable at `offset` (the end offset passed
   * it), after `waitMs`, or when the log closes, whichever comes first: the
   * wait of a long-poll read, woken by the append itself (no polling).
   */
  waitForAppend(offset: number, waitMs: number): Promise<void> {
    if (this.endOffset > offset || this.closed || waitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(onAppend);
        this.closeWaiters.delete(done);
        resolve();
      };
      const onAppend = (): void => {
        if (this.endOffset > offset) done();
      };
      const timer = setTimeout(done, waitMs);
      this.listeners.add(onAppend);
      this.closeWaiters.add(done);
    });
  }

  /** Ends every pending waitForAppend now (the bus is closing). */
  wakeWaiters(): void {
    for (const wake of [...this.closeWaiters]) wake();
  }

  /** Reads up to `max` durable records from `fromOffset` (empty at or beyond the end). */
  async read(fromOffset: number, max: number): Promise<LogMessage[]> {
    const end = this.endOffset;
    const out: LogMessage[] = [];
    if (fromOffset >= end || max <= 0) return out;
    let segmentIndex = this.segmentIndexFor(fromOffset);
    let segment = this.segments[segmentIndex];
    let position = segment.positionFor(fromOffset);
    let expected = fromOffset;
    let chunkBytes = FIRST_READ_CHUNK_BYTES;
    while (out.length < max && expected < end) {
      if (position >= segment.size) {
        segmentIndex++;
        if (segmentIndex >= this.segments.length) break;
        segment = this.segments[segmentIndex];
        position = SEGMENT_HEADER_BYTES;
        continue;
      }
      const buf = await segment.readAt(position, Math.min(chunkBytes, segment.size - position));
      let p = 0;
      while (p < buf.length && out.length < max && expected < end) {
        const check = checkFrame(buf, p);
        if (check.kind === 'incomplete') {
          if (p === 0) chunkBytes = Math.max(chunkBytes * 2, check.frameBytes ?? 0);
          break;
        }
        if (check.kind === 'corrupt') {
          throw new LogCorruptedError(
            `topic ${this.topic}: ${check.reason} in ${segment.path} at byte ${position + p}`,
          );
        }
        if (check.offset >= fromOffset) {
          if (check.offset !== expected) {
            throw new LogCorruptedError(
              `topic ${this.topic}: found offset ${check.offset} where ${expected} was expected in ${segment.path}`,
            );
          }
          out.push(decodeFrame(buf, p, this.topic));
          expected++;
        }
        p += check.frameBytes;
      }
      position += p;
      if (p > 0 && chunkBytes < MAX_READ_CHUNK_BYTES) chunkBytes *= 2;
    }
    return out;
  }

  /** Waits for in-flight appends, then closes the files. Later appends are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.recoveryTimer);
    this.wakeWaiters();
    await this.idle;
    this.listeners.clear();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      while (this.queue.length > 0) {
        if (this.failure) {
          for (const pending of this.queue.splice(0)) pending.reject(this.failure);
          break;
        }
        await this.writeGroup(this.takeGroup());
      }
    } finally {
      this.flushing = false;
      this.markIdle();
    }
  }

  private takeGroup(): PendingAppend[] {
    let bytes = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || bytes + this.queue[count].estimatedBytes <= GROUP_COMMIT_BYTES)
    ) {
      bytes += this.queue[count].estimatedBytes;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async writeGroup(group: PendingAppend[]): Promise<void> {
    // One log time per write: the log's clock, never moving backwards.
    const timestamp = Math.max(this.options.clock.now(), this.lastTimestamp);
    const settled = new Set<PendingAppend>();
    let nextOffset = this.active.nextOffset;
    let batch: EncodedAppend[] = [];
    let batchBytes = 0;
    try {
      for (const pending of group) {
        const encoded = encodeRecords(pending.messages, nextOffset, timestamp);
        const wouldBe = this.active.size + batchBytes + encoded.buffer.length;
        if (wouldBe > this.options.segmentBytes && (batch.length > 0 || !this.active.isEmpty)) {
          await this.commit(batch, timestamp, settled);
          batch = [];
          batchBytes = 0;
          await this.roll();
        }
        batch.push({ encoded, baseOffset: nextOffset, count: pending.messages.length, pending });
        batchBytes += encoded.buffer.length;
        nextOffset += pending.messages.length;
      }
      await this.commit(batch, timestamp, settled);
    } catch (error) {
      this.failure = new LogWriteFailedError(this.topic, unwritableReason(error), { cause: error });
      this.options.logger.error('embedded log write failed; appends are refused until it takes writes again', {
        topic: this.topic,
        reason: this.failure.reason,
        ...describeError(error),
      });
      for (const pending of group) if (!settled.has(pending)) pending.reject(this.failure);
      this.scheduleRecovery();
    }
  }

  /** Probes the disk again after a growing wait (until the log is closed). */
  private scheduleRecovery(): void {
    if (this.closed) return;
    const delayMs = Math.min(RECOVERY_MAX_MS, RECOVERY_INITIAL_MS * 2 ** Math.min(this.recoveryAttempts++, 16));
    this.recoveryTimer = setTimeout(() => void this.recover(), delayMs);
    // A log waiting for its disk does not keep the process alive by itself.
    this.recoveryTimer.unref();
  }

  /**
   * Appends resume once a probe file of PROBE_BYTES is written and synced in
   * the topic directory and the active segment is cut back to its last
   * durable append (dropping what the failed write left). Until then the
   * failure stays, its reason following the disk (a full disk may have
   * turned read-only), and the disk is probed again later.
   */
  private async recover(): Promise<void> {
    if (this.closed || this.failure === undefined) return;
    try {
      await probeWritable(join(this.dir, PROBE_FILE));
      await this.active.cutBackToSize();
    } catch (error) {
      const reason = unwritableReason(error);
      if (reason !== this.failure.reason) {
        this.failure = new LogWriteFailedError(this.topic, reason, { cause: error });
        this.options.logger.warn('the embedded log still cannot be written, for another reason now', {
          topic: this.topic,
          reason,
          ...describeError(error),
        });
      }
      this.scheduleRecovery();
      return;
    }
    const was = this.failure.reason;
    this.failure = undefined;
    this.recoveryAttempts = 0;
    this.options.logger.info('the embedded log takes writes again; appends resume', {
      topic: this.topic,
      was,
      endOffset: this.endOffset,
    });
  }

  private async commit(batch: EncodedAppend[], timestamp: number, settled: Set<PendingAppend>): Promise<void> {
    if (batch.length === 0) return;
    await this.active.append(batch, timestamp);
    this.lastTimestamp = timestamp;
    for (const item of batch) {
      settled.add(item.pending);
      item.pending.resolve({ topic: this.topic, baseOffset: item.baseOffset, count: item.count });
    }
    for (const listener of this.listeners) listener();
  }

  /** Seals the active segment (persisting its index) and starts a new one at the end offset. */
  private async roll(): Promise<void> {
    const sealed = this.active;
    await sealed.writeIndexFile();
    this.segments.push(await Segment.create(this.dir, sealed.nextOffset));
  }
}

/** Writes `size` bytes to `path`, syncs and removes them: throws what the disk says if it cannot take them. */
async function probeWritable(path: string, size = PROBE_BYTES): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const { bytesWritten } = await handle.write(Buffer.alloc(size), 0, size, 0);
    if (bytesWritten !== size)
      throw Object.assign(new Error(`probe: short write of ${bytesWritten} bytes`), { code: 'ENOSPC' });
    await handle.datasync();
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
  }
}
