import { crc32 } from 'node:zlib';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LogCorruptedError } from '../event-bus.errors';
import type { EventBusLogger } from '../event-bus.logger';
import { fsyncDirectory, isErrnoException, writeFileAtomic } from './durable-file.util';
import {
  SEGMENT_HEADER_BYTES,
  checkFrame,
  decodeSegmentHeader,
  encodeSegmentHeader,
  type EncodedRecords,
} from './segment-record.codec';

/** One sparse index entry per this many bytes of records (as Kafka's log.index.interval.bytes). */
const INDEX_INTERVAL_BYTES = 4096;
const SCAN_CHUNK_BYTES = 1024 * 1024;
const INDEX_MAGIC = Buffer.from('ACCIDX01', 'latin1');
// magic | baseOffset | nextOffset | size | lastTimestamp | entry count
const INDEX_HEADER_BYTES = 8 + 8 + 8 + 8 + 8 + 4;
const TWO_POW_32 = 0x1_0000_0000;

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export function indexFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.index`;
}

/** Parses `<20 digits>.log`; undefined for any other file. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = /^(\d{20})\.log$/.exec(name);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

interface ScanResult {
  /** End of the last valid frame. */
  readonly validEnd: number;
  readonly nextOffset: number;
  readonly lastTimestamp: number;
  /** Why the scan stopped before the end of the file, if it did. */
  readonly problem?: string;
}

/**
 * One segment file: records appended at `size`, an in-memory sparse index
 * (offset -> file position) for reads from an offset, and for sealed segments
 * a persisted copy of that index so opening a large log does not rescan it.
 * Reads go through a read-only handle; every append (and every cut of a
 * torn tail) opens the file for writing for just that write and sync, so
 * between appends the log holds no file open for writing: its disk can be
 * remounted read-only under a running log, and a failed write leaves no
 * handle in an unknown state behind.
 */
export class Segment {
  /** Bytes of durable, valid records including the header; appends go here. */
  size: number;
  /** Offset the next record appended to this segment gets. */
  nextOffset: number;
  /** Timestamp of the last record (0 if empty). */
  lastTimestamp = 0;
  private readonly indexOffsets: number[] = [];
  private readonly indexPositions: number[] = [];
  private lastIndexedPosition = -Infinity;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly handle: FileHandle,
  ) {
    this.size = SEGMENT_HEADER_BYTES;
    this.nextOffset = baseOffset;
  }

  get path(): string {
    return join(this.dir, segmentFileName(this.baseOffset));
  }

  get isEmpty(): boolean {
    return this.nextOffset === this.baseOffset;
  }

  /**
   * Creates an empty segment durably (header written and synced, directory
   * entry synced), ready for appends. A file left at its name by an earlier
   * create that failed (disk full mid-roll) is overwritten: nothing in it
   * was ever acknowledged, since the segment never became active.
   */
  static async create(dir: string, baseOffset: number): Promise<Segment> {
    const path = join(dir, segmentFileName(baseOffset));
    const writer = await open(path, 'w', 0o644);
    try {
      await writer.write(encodeSegmentHeader(baseOffset), 0, SEGMENT_HEADER_BYTES, 0);
      await writer.datasync();
    } finally {
      await writer.close();
    }
    await fsyncDirectory(dir);
    return new Segment(dir, baseOffset, await open(path, 'r'));
  }

  /**
   * Opens a sealed (non-last) segment: loads its persisted index, or rescans
   * it. Sealed segments were fully synced before the next one was created, so
   * any damage here is corruption, not a torn write.
   */
  static async openSealed(dir: string, baseOffset: number, logger: EventBusLogger): Promise<Segment> {
    const handle = await open(join(dir, segmentFileName(baseOffset)), 'r');
    const segment = new Segment(dir, baseOffset, handle);
    try {
      const { size: fileSize } = await handle.stat();
      if (await segment.loadIndexFile(fileSize)) return segment;
      await segment.verifyHeader(fileSize, false);
      const scan = await segment.scan(fileSize);
      if (scan.problem !== undefined || scan.validEnd !== fileSize) {
        throw new LogCorruptedError(
          `sealed segment ${segment.path} is damaged at byte ${scan.validEnd}: ${scan.problem ?? 'trailing bytes'}`,
        );
      }
      segment.adopt(scan);
      logger.info('rebuilt the index of a sealed segment', { segment: segment.path });
      await segment.writeIndexFile();
      return segment;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Opens the last (active) segment and recovers it: a torn or corrupt tail
   * (a partial record from a crash mid-append) is cut off, never an error.
   */
  static async openActive(dir: string, baseOffset: number, logger: EventBusLogger): Promise<Segment> {
    const handle = await open(join(dir, segmentFileName(baseOffset)), 'r');
    const segment = new Segment(dir, baseOffset, handle);
    try {
      const { size: fileSize } = await handle.stat();
      if (!(await segment.verifyHeader(fileSize, true))) {
        // Crashed while creating this segment: nothing was acknowledged in it.
        logger.warn('rewriting the torn header of the active segment', { segment: segment.path, fileBytes: fileSize });
        await segment.withWriter(async (writer) => {
          await writer.truncate(0);
          await writer.write(encodeSegmentHeader(baseOffset), 0, SEGMENT_HEADER_BYTES, 0);
          await writer.datasync();
        });
        return segment;
      }
      const scan = await segment.scan(fileSize);
      segment.adopt(scan);
      if (scan.validEnd < fileSize) {
        logger.warn('truncating a torn tail of the embedded log', {
          segment: segment.path,
          keptBytes: scan.validEnd,
          droppedBytes: fileSize - scan.validEnd,
          reason: scan.problem ?? 'partial record',
          nextOffset: scan.nextOffset,
        });
        await segment.cutBackToSize();
      }
      return segment;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Appends encoded batches at the end and syncs them; updates size, offsets and index only once durable. */
  async append(
    batches: readonly { encoded: EncodedRecords; baseOffset: number; count: number }[],
    timestamp: number,
  ): Promise<void> {
    const buffers = batches.map((b) => b.encoded.buffer);
    const total = buffers.reduce((sum, b) => sum + b.length, 0);
    await this.withWriter(async (writer) => {
      const { bytesWritten } = await writer.writev(buffers, this.size);
      // A short write is what a disk that fills up mid-write gives (the next write would fail with ENOSPC).
      if (bytesWritten !== total) throw new ShortWriteError(bytesWritten, total);
      await writer.datasync();
    });
    let position = this.size;
    for (const batch of batches) {
      const starts = batch.encoded.frameStarts;
      for (let i = 0; i < starts.length; i++) {
        this.maybeIndex(batch.baseOffset + i, position + starts[i]);
      }
      position += batch.encoded.buffer.length;
      this.nextOffset = batch.baseOffset + batch.count;
    }
    this.size = position;
    this.lastTimestamp = timestamp;
  }

  /** File position from which scanning forward reaches `offset` (largest indexed offset <= it). */
  positionFor(offset: number): number {
    const offsets = this.indexOffsets;
    let lo = 0;
    let hi = offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? SEGMENT_HEADER_BYTES : this.indexPositions[found];
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw new LogCorruptedError(`segment ${this.path} ended early at byte ${position + done}`);
      done += bytesRead;
    }
    return buf;
  }

  /** Persists the sparse index (called when the segment is sealed). */
  async writeIndexFile(): Promise<void> {
    const count = this.indexOffsets.length;
    const buf = Buffer.alloc(INDEX_HEADER_BYTES + count * 8 + 4);
    INDEX_MAGIC.copy(buf, 0);
    writeU64(buf, this.baseOffset, 8);
    writeU64(buf, this.nextOffset, 16);
    writeU64(buf, this.size, 24);
    writeU64(buf, this.lastTimestamp, 32);
    buf.writeUInt32BE(count, 40);
    let pos = INDEX_HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      buf.writeUInt32BE(this.indexOffsets[i] - this.baseOffset, pos);
      buf.writeUInt32BE(this.indexPositions[i], pos + 4);
      pos += 8;
    }
    buf.writeUInt32BE(crc32(buf.subarray(0, pos)), pos);
    await writeFileAtomic(join(this.dir, indexFileName(this.baseOffset)), buf);
  }

  /**
   * Cuts the file back to `size`, the end of the last durable append, and
   * syncs: whatever a failed or torn write left after it (part of a record)
   * is dropped, and a disk that was full gets those bytes back.
   */
  async cutBackToSize(): Promise<void> {
    await this.withWriter(async (writer) => {
      await writer.truncate(this.size);
      await writer.datasync();
    });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Opens the file for writing for the length of `write` only (see the class comment). */
  private async withWriter<T>(write: (writer: FileHandle) => Promise<T>): Promise<T> {
    const writer = await open(this.path, 'r+');
    try {
      return await write(writer);
    } finally {
      await writer.close();
    }
  }

  private maybeIndex(offset: number, position: number): void {
    if (position - this.lastIndexedPosition >= INDEX_INTERVAL_BYTES) {
      this.indexOffsets.push(offset);
      this.indexPositions.push(position);
      this.lastIndexedPosition = position;
    }
  }

  private adopt(scan: ScanResult): void {
    this.size = scan.validEnd;
    this.nextOffset = scan.nextOffset;
    this.lastTimestamp = scan.lastTimestamp;
  }

  /** True if the header is valid; false (torn) is only tolerated when `tolerateTorn`. */
  private async verifyHeader(fileSize: number, tolerateTorn: boolean): Promise<boolean> {
    const header = fileSize >= SEGMENT_HEADER_BYTES ? await this.readAt(0, SEGMENT_HEADER_BYTES) : Buffer.alloc(0);
    const base = decodeSegmentHeader(header);
    if (base === this.baseOffset) return true;
    if (base === undefined && tolerateTorn && fileSize <= SEGMENT_HEADER_BYTES) return false;
    throw new LogCorruptedError(
      `segment ${this.path} has a bad header (${base === undefined ? 'no magic' : `base offset ${base}`}), expected base offset ${this.baseOffset}`,
    );
  }

  /**
   * Walks every frame from the header on, building the index, and stops at the
   * first invalid one. The result ends after the last complete publish call
   * (end-of-batch record), so a torn publish is dropped as a whole.
   */
  private async scan(fileSize: number): Promise<ScanResult> {
    let position = SEGMENT_HEADER_BYTES;
    let expected = this.baseOffset;
    let lastTimestamp = 0;
    let chunkBytes = SCAN_CHUNK_BYTES;
    let complete: ScanResult = { validEnd: position, nextOffset: expected, lastTimestamp };
    const stop = (problem: string): ScanResult => ({ ...complete, problem });
    while (position < fileSize) {
      const buf = await this.readAt(position, Math.min(chunkBytes, fileSize - position));
      let p = 0;
      let needBytes: number | undefined;
      while (p < buf.length) {
        const check = checkFrame(buf, p);
        if (check.kind === 'corrupt') return this.finishScan(stop(`${check.reason} at byte ${position + p}`));
        if (check.kind === 'incomplete') {
          needBytes = check.frameBytes ?? SCAN_CHUNK_BYTES;
          break;
        }
        if (check.offset !== expected) {
          return this.finishScan(stop(`offset ${check.offset} where ${expected} was expected at byte ${position + p}`));
        }
        this.maybeIndex(expected, position + p);
        expected++;
        lastTimestamp = check.timestamp;
        p += check.frameBytes;
        if (check.endOfBatch) complete = { validEnd: position + p, nextOffset: expected, lastTimestamp };
      }
      position += p;
      if (needBytes !== undefined) {
        if (position + needBytes > fileSize) return this.finishScan(stop('partial record at the end'));
        if (p === 0) chunkBytes = Math.max(chunkBytes, needBytes);
      }
    }
    return this.finishScan(complete.validEnd === position ? complete : stop('unfinished publish at the end'));
  }

  /** Drops index entries of records that do not survive the scan. */
  private finishScan(result: ScanResult): ScanResult {
    while (this.indexOffsets.length > 0 && this.indexOffsets[this.indexOffsets.length - 1] >= result.nextOffset) {
      this.indexOffsets.pop();
      this.indexPositions.pop();
    }
    this.lastIndexedPosition = this.indexPositions[this.indexPositions.length - 1] ?? -Infinity;
    return result;
  }

  /** Loads `<base>.index` if present and consistent with the segment file; false means rescan. */
  private async loadIndexFile(fileSize: number): Promise<boolean> {
    let buf: Buffer;
    try {
      buf = await readFile(join(this.dir, indexFileName(this.baseOffset)));
    } catch (error) {
      if (isErrnoException(error, 'ENOENT')) return false;
      throw error;
    }
    if (buf.length < INDEX_HEADER_BYTES + 4 || !buf.subarray(0, 8).equals(INDEX_MAGIC)) return false;
    const count = buf.readUInt32BE(40);
    const end = INDEX_HEADER_BYTES + count * 8;
    if (buf.length !== end + 4 || crc32(buf.subarray(0, end)) !== buf.readUInt32BE(end)) return false;
    if (readU64(buf, 8) !== this.baseOffset || readU64(buf, 24) !== fileSize) return false;
    this.nextOffset = readU64(buf, 16);
    this.size = fileSize;
    this.lastTimestamp = readU64(buf, 32);
    for (let pos = INDEX_HEADER_BYTES; pos < end; pos += 8) {
      this.indexOffsets.push(this.baseOffset + buf.readUInt32BE(pos));
      this.indexPositions.push(buf.readUInt32BE(pos + 4));
    }
    this.lastIndexedPosition = this.indexPositions[this.indexPositions.length - 1] ?? -Infinity;
    return true;
  }
}

/** A write that stored fewer bytes than asked: the disk filled up during it. */
export class ShortWriteError extends Error {
  constructor(
    readonly written: number,
    readonly total: number,
  ) {
    super(`short write: ${written} of ${total} bytes`);
    this.name = 'ShortWriteError';
  }
}

function writeU64(buf: Buffer, value: number, pos: number): void {
  buf.writeUInt32BE(Math.floor(value / TWO_POW_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}

function readU64(buf: Buffer, pos: number): number {
  return buf.readUInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}
