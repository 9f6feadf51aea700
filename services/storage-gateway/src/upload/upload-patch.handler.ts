import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectClock, type Clock } from '@accord/service-kit';
import { GatewayMetrics } from '../projection/gateway.metrics';
import {
  UploadChecksumMismatchError,
  UploadInterruptedError,
  UploadOffsetMismatchError,
  UploadTooLongError,
} from '../storage-gateway.errors';
import type { ObjectWriter, StoredPiece } from '../vault/object-writer';
import { UPLOAD_LEASE_MS, UploadProgressStore } from './upload-progress';
import type { UploadRow } from './upload.repository';
import { UploadWriters } from './upload-writers';

/** One PATCH as the controller read it from the request. */
export interface PatchInput {
  /** Upload-Offset. */
  readonly offset: number;
  /** Content-Length, when the body has one (a chunked body has none). */
  readonly contentLength?: number;
  /** The SHA-256 the body must have (Upload-Checksum), if the client sent one. */
  readonly checksum?: Buffer;
  readonly body: AsyncIterable<Uint8Array>;
}

/** A PATCH that was taken in full: the writer, and (when it completed the upload) the pieces not recorded yet. */
export interface ReceivedPatch {
  readonly writer: ObjectWriter;
  readonly unrecorded: readonly StoredPiece[];
}

/**
 * Streams one PATCH body into the upload's writer (docs/storage-gateway-upload.md
 * "PATCH"). The body is read chunk by chunk and each chunk is written
 * (encrypted, hashed, stored) before the next is read, so backpressure
 * reaches the client and memory stays at one piece. Progress is committed
 * at every stored piece, at the end, and when the client goes away; a PATCH
 * with Upload-Checksum commits only once its checksum matched. A PATCH that
 * is refused (checksum mismatch, past Upload-Length) keeps nothing: the
 * upload goes back to the offset it started at.
 */
@Injectable()
export class UploadPatchHandler {
  constructor(
    private readonly writers: UploadWriters,
    private readonly progress: UploadProgressStore,
    private readonly metrics: GatewayMetrics,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Takes the body of a PATCH of `start` (the row read under `owner`'s lease). */
  async receive(start: UploadRow, owner: string, input: PatchInput): Promise<ReceivedPatch> {
    if (input.offset !== start.offset) throw new UploadOffsetMismatchError(start.uploadId, input.offset, start.offset);
    if (input.contentLength !== undefined && start.offset + input.contentLength > start.length)
      throw new UploadTooLongError(start.uploadId, start.length);
    const writer = await this.writers.writerFor(start);
    this.writers.drop(start.uploadId); // kept again only once its state is the committed one
    const run = new PatchRun(start, owner, writer, input.checksum !== undefined, this.progress, this.clock);
    const hash = input.checksum === undefined ? undefined : createHash('sha256');
    const chunks = input.body[Symbol.asyncIterator]();
    let received = 0;
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch {
        return this.interrupted(run);
      }
      if (next.done) break;
      const chunk = next.value;
      if (writer.offset + chunk.length > start.length) {
        await run.undo();
        throw new UploadTooLongError(start.uploadId, start.length);
      }
      hash?.update(chunk);
      await run.write(chunk);
      received += chunk.length;
      this.metrics.bytesIn.add(chunk.length, { path: 'upload' });
    }
    // A body cut short without an error from the socket is an interruption too.
    if (input.contentLength !== undefined && received < input.contentLength) return this.interrupted(run);
    if (hash !== undefined && !hash.digest().equals(input.checksum as Buffer)) {
      await run.undo();
      throw new UploadChecksumMismatchError(start.uploadId);
    }
    if (writer.complete) return { writer, unrecorded: await run.storeRest() };
    await run.commit();
    this.writers.keep(start.uploadId, writer);
    return { writer, unrecorded: [] };
  }

  /** The client went away: keep what arrived (unless the PATCH had a checksum), then answer for the log. */
  private async interrupted(run: PatchRun): Promise<never> {
    if (run.undoable) {
      await run.undo();
      throw new UploadInterruptedError(run.start.uploadId, run.start.offset);
    }
    await run.commit();
    this.writers.keep(run.start.uploadId, run.writer);
    throw new UploadInterruptedError(run.start.uploadId, run.writer.offset);
  }
}

/** The state of one PATCH in progress: which pieces it stored, which of them are recorded, when its lease was renewed. */
class PatchRun {
  private readonly stored: StoredPiece[] = [];
  private unrecorded: StoredPiece[] = [];
  private renewedAt: number;

  constructor(
    readonly start: UploadRow,
    private readonly owner: string,
    readonly writer: ObjectWriter,
    /** A checksummed PATCH is all or nothing: no progress is committed before its checksum matched. */
    readonly undoable: boolean,
    private readonly progress: UploadProgressStore,
    private readonly clock: Clock,
  ) {
    this.renewedAt = clock.now();
  }

  async write(chunk: Uint8Array): Promise<void> {
    await this.writer.write(chunk);
    this.take();
    const now = this.clock.now();
    if (!this.undoable && this.unrecorded.length > 0) await this.commitAt(now);
    else if (now - this.renewedAt > UPLOAD_LEASE_MS / 3) {
      await this.progress.renew(this.start, this.owner, now);
      this.renewedAt = now;
    }
  }

  /** Stores the complete segments still buffered and commits the writer's state. */
  async commit(): Promise<void> {
    await this.writer.flush();
    this.take();
    await this.commitAt(this.clock.now());
  }

  /** Stores the complete segments still buffered and hands over the pieces not recorded (the last PATCH). */
  async storeRest(): Promise<StoredPiece[]> {
    await this.writer.flush();
    this.take();
    return this.unrecorded;
  }

  /** Puts the upload back where this PATCH found it. */
  async undo(): Promise<void> {
    await this.writer.settle();
    this.take();
    await this.progress.rollback(this.start, this.owner, this.stored, this.clock.now());
  }

  private take(): void {
    const pieces = this.writer.takePieces();
    this.stored.push(...pieces);
    this.unrecorded.push(...pieces);
  }

  private async commitAt(now: number): Promise<void> {
    await this.progress.commit(this.start, this.owner, this.writer, this.unrecorded, now);
    this.unrecorded = [];
    this.renewedAt = now;
  }
}
