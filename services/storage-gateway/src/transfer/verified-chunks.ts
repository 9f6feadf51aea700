import { assertChunk, chunkCountOf, isDataPlaneError, type ByterangesPart } from '@accord/data-plane';
import { TransferVerificationError } from '../storage-gateway.errors';
import type { AnchorView } from './grant-and-anchor.reader';

/**
 * The requester's check of every part the provider sends
 * (docs/storage-gateway-transfer.md "Requester"): parts come in chunk
 * order from `first` to `last`, each exactly its chunk's bytes of an object
 * of the anchored size, and each chunk's inclusion proof leads to the chunk
 * root anchored on THIS department's copy of the chain (the chunk count
 * comes from the anchor too, never from the provider). A part that fails
 * is transfer_verification_failed before any of its bytes is passed on.
 */
export class VerifiedChunks {
  private readonly chunkCount: number;
  private next: number;

  constructor(
    private readonly anchor: AnchorView,
    readonly first: number,
    readonly last: number,
  ) {
    this.chunkCount = chunkCountOf(anchor.sizeBytes, anchor.chunkSize);
    this.next = first;
  }

  /** The part's bytes, once verified. */
  accept(part: ByterangesPart): Buffer {
    const index = this.next;
    const start = index * this.anchor.chunkSize;
    const end = Math.min(start + this.anchor.chunkSize, this.anchor.sizeBytes) - 1;
    if (index > this.last) this.fail(index, 'more parts than the range holds');
    if (part.index !== index) this.fail(index, `part for chunk ${part.index} where chunk ${index} was due`);
    if (part.chunkCount !== this.chunkCount || part.total !== this.anchor.sizeBytes)
      this.fail(index, 'the part describes an object of another size than the anchor');
    if (part.start !== start || part.end !== end || part.data.length !== end - start + 1)
      this.fail(index, `the part holds bytes ${part.start}-${part.end}, not the chunk's ${start}-${end}`);
    try {
      assertChunk(part.data, index, this.chunkCount, part.proof, this.anchor.chunkRoot);
    } catch (error) {
      if (isDataPlaneError(error)) this.fail(index, 'its bytes and proof do not lead to the anchored chunk root');
      throw error;
    }
    this.next += 1;
    return part.data;
  }

  /** Every chunk of the range arrived. */
  finish(): void {
    if (this.next !== this.last + 1) this.fail(this.next, 'the answer ended before this chunk');
  }

  private fail(index: number, reason: string): never {
    throw new TransferVerificationError(`chunk ${index} of anchor ${this.anchor.txId} refused: ${reason}`, {
      anchor: this.anchor.txId,
      chunk: index,
      reason,
    });
  }
}
