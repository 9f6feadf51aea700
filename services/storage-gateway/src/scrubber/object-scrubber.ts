import { Injectable } from '@nestjs/common';
import { ObjectDigester, SEGMENT_HEADER_BYTES, SEGMENT_TAG_BYTES } from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { InjectObjectStore, ServiceLogger } from '@accord/service-kit';
import { ObjectIntegrityError } from '../storage-gateway.errors';
import { ObjectVault, type StoredObject } from '../vault/object-vault';
import { headerKey } from '../vault/object-writer';
import { digestProblems, type ActualDigest } from './digest.verdict';
import { ciphertextBytesOf, segmentCountOf, segmentGaps } from './piece-coverage';
import type { ObjectProblem } from './scrub-finding';
import { ScrubRepository, type ScrubTarget } from './scrub.repository';
import type { TokenBucket } from './token-bucket';

/** What scrubbing one object found, and how many ciphertext bytes it read. */
export interface ObjectScrub {
  readonly channel: string;
  readonly dataset: string;
  readonly problems: readonly ObjectProblem[];
  readonly bytesRead: number;
}

/**
 * Scrubs one stored object (docs/storage-gateway-scrubber.md "What a run
 * checks"): every part present in the object store, then its whole
 * plaintext read back through the vault, so every segment's tag and the
 * header's binding are checked, and digested as the upload was, then
 * compared with the object row and with its committed anchor. Reads are
 * paced by the run's token bucket: the reading stream stays paused while
 * the bucket is in debt, so at most a few segments are in memory. When
 * `signal` aborts, the read stops before its next segment and the abort
 * reason is thrown (the object then counts as not checked).
 */
@Injectable()
export class ObjectScrubber {
  private readonly log: ServiceLogger;

  constructor(
    private readonly vault: ObjectVault,
    @InjectObjectStore() private readonly store: ObjectStore,
    private readonly scrubs: ScrubRepository,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('scrubber');
  }

  async scrub(target: ScrubTarget, bucket: TokenBucket, signal: AbortSignal): Promise<ObjectScrub | undefined> {
    const object = await this.vault.find(target.objectId);
    if (object === undefined) return undefined; // removed since it was listed
    const partProblems = await this.storedPartProblems(object, target.segmentSize);
    const about = { channel: object.channel, dataset: object.dataset };
    if (partProblems.length > 0) return { ...about, problems: partProblems, bytesRead: 0 };
    const read = await this.readBack(object, target.segmentSize, bucket, signal);
    if ('problem' in read) return { ...about, problems: [read.problem], bytesRead: read.bytesRead };
    return { ...about, problems: await this.compare(object, read.digest), bytesRead: read.bytesRead };
  }

  /**
   * The header, piece rows that leave segments uncovered, piece objects
   * absent from the store, and stored parts whose size is not what was
   * written. The size check matters because reads fetch byte ranges of a
   * piece: bytes appended to a piece (or to the header object) behind the
   * gateway's back would never be read, so no tag would ever fail on them.
   */
  private async storedPartProblems(object: StoredObject, segmentSize: number): Promise<ObjectProblem[]> {
    const problems: ObjectProblem[] = [];
    const header = await this.store.stat(headerKey(object.objectId));
    if (header === undefined)
      problems.push({
        kind: 'missing',
        detail: `its header ${headerKey(object.objectId)} is absent from the object store`,
      });
    else if (header.size !== SEGMENT_HEADER_BYTES)
      problems.push(resizedPart(headerKey(object.objectId), header.size, SEGMENT_HEADER_BYTES));
    const pieces = await this.vault.pieces(object.objectId);
    for (const gap of segmentGaps(pieces, segmentCountOf(object.sizeBytes, segmentSize)))
      problems.push({ kind: 'missing', detail: `segments ${gap.first}..${gap.last} are in no recorded piece` });
    for (const piece of pieces) {
      const stored = await this.store.stat(piece.storeKey);
      if (stored === undefined)
        problems.push({ kind: 'missing', detail: `its piece ${piece.storeKey} is absent from the object store` });
      else if (stored.size !== piece.byteSize) problems.push(resizedPart(piece.storeKey, stored.size, piece.byteSize));
    }
    return problems;
  }

  /** Reads the whole plaintext back under the bucket; a tag or header failure is a `tampered` problem. */
  private async readBack(
    object: StoredObject,
    segmentSize: number,
    bucket: TokenBucket,
    signal: AbortSignal,
  ): Promise<{ digest: ActualDigest; bytesRead: number } | { problem: ObjectProblem; bytesRead: number }> {
    const digester = new ObjectDigester(object.chunkSize);
    let plaintext = 0;
    const bytesRead = () => SEGMENT_HEADER_BYTES + ciphertextBytesOf(plaintext, segmentSize, SEGMENT_TAG_BYTES);
    try {
      signal.throwIfAborted();
      await bucket.take(SEGMENT_HEADER_BYTES, signal);
      if (object.sizeBytes === 0) await this.vault.header(object, { fresh: true });
      else {
        const stream = await this.vault.readRange(
          object,
          { start: 0, end: object.sizeBytes - 1 },
          { freshHeader: true, segmentChunks: true },
        );
        for await (const chunk of stream) {
          const before = bytesRead();
          plaintext += (chunk as Buffer).length;
          digester.update(chunk as Buffer);
          // Awaited before the next chunk is pulled: the stream stays paused while the budget is in debt.
          await bucket.take(bytesRead() - before, signal);
          signal.throwIfAborted();
        }
      }
    } catch (error) {
      if (error instanceof ObjectIntegrityError && !signal.aborted)
        return { problem: { kind: 'tampered', detail: error.message }, bytesRead: bytesRead() };
      throw error;
    }
    return { digest: digester.digest(), bytesRead: bytesRead() };
  }

  /** The read-back digest against the object row, then against its anchor when one was committed. */
  private async compare(object: StoredObject, digest: ActualDigest): Promise<ObjectProblem[]> {
    const problems = digestProblems(
      {
        source: 'the object row',
        size: object.sizeBytes,
        sha256: object.sha256,
        chunkSize: object.chunkSize,
        chunkRoot: object.chunkRoot,
      },
      digest,
    );
    if (object.anchorTxId === null) return problems;
    const anchor = await this.scrubs.anchor(object.anchorTxId);
    if (anchor === undefined) {
      this.log.pino.warn(
        { objectId: object.objectId, dataset: object.dataset, anchorTxId: object.anchorTxId },
        'scrubber: the anchor of an available object is not projected; checked against its row only',
      );
      return problems;
    }
    return [...problems, ...digestProblems(anchor, digest)];
  }
}

/** A stored part (header or piece) whose size in the object store is not the size the gateway wrote. */
function resizedPart(key: string, stored: number, written: number): ObjectProblem {
  return {
    kind: 'size_mismatch',
    detail: `${key} holds ${stored} bytes in the object store, ${written} were written`,
  };
}
