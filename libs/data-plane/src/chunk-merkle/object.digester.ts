import { createHash, Hash } from 'node:crypto';
import { merkleRoot, toHex } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';
import { assertChunkSize, DEFAULT_CHUNK_SIZE } from './chunk.layout';
import { splitLeafHashes } from './leaf-hashes';

/** What the ledger anchors for an object: its whole SHA-256 and the root of its chunk tree. */
export interface ObjectDigest {
  readonly size: number;
  /** SHA-256 of the whole plaintext, hex. */
  readonly sha256: string;
  readonly chunkSize: number;
  readonly chunkCount: number;
  /** RFC 6962 root over the chunk leaf hashes, hex (SHA-256("") for an empty object). */
  readonly chunkRoot: string;
  /** chunkCount * 32 bytes: the leaf hash of every chunk, back to back. */
  readonly leafHashes: Buffer;
}

/** RFC 6962 leaf prefix: a leaf hash is SHA-256(0x00 ‖ chunk). */
const LEAF_PREFIX = Buffer.from([0x00]);

/**
 * Digests an object as it streams past: the whole-object SHA-256 and the
 * leaf hash of every chunk, without holding any chunk in memory (the
 * current chunk's leaf hash is itself a running SHA-256). copy() snapshots
 * the state, so a resumable upload can checkpoint it.
 */
export class ObjectDigester {
  private whole: Hash = createHash('sha256');
  /** Running leaf hash of the incomplete chunk, and how many of its bytes it has seen. */
  private chunk: Hash = newLeafHash();
  private chunkFill = 0;
  private size = 0;
  private leaves: Buffer[] = [];
  private result: ObjectDigest | undefined;

  constructor(readonly chunkSize: number = DEFAULT_CHUNK_SIZE) {
    assertChunkSize(chunkSize);
  }

  update(bytes: Uint8Array): void {
    this.assertOpen('update');
    if (!(bytes instanceof Uint8Array)) throw new DataPlaneError('chunk.invalid_argument', 'update takes bytes');
    this.whole.update(bytes);
    for (let position = 0; position < bytes.length;) {
      const take = Math.min(this.chunkSize - this.chunkFill, bytes.length - position);
      this.chunk.update(bytes.subarray(position, position + take));
      this.chunkFill += take;
      position += take;
      if (this.chunkFill === this.chunkSize) this.closeChunk();
    }
    this.size += bytes.length;
  }

  /** Bytes digested so far. */
  bytes(): number {
    return this.size;
  }

  /** An independent digester in the same state; updating one does not affect the other. */
  copy(): ObjectDigester {
    this.assertOpen('copy');
    const twin = new ObjectDigester(this.chunkSize);
    twin.whole = this.whole.copy();
    twin.chunk = this.chunk.copy();
    twin.chunkFill = this.chunkFill;
    twin.size = this.size;
    twin.leaves = [...this.leaves]; // finished leaf hashes are never mutated, so sharing them is safe
    return twin;
  }

  /**
   * Finishes the digest. The digester is then closed: further calls return
   * the same digest, while update() and copy() throw `chunk.invalid_argument`.
   */
  digest(): ObjectDigest {
    if (this.result) return this.result;
    if (this.chunkFill > 0) this.closeChunk();
    const leafHashes = Buffer.concat(this.leaves);
    this.result = {
      size: this.size,
      sha256: this.whole.digest('hex'),
      chunkSize: this.chunkSize,
      chunkCount: this.leaves.length,
      chunkRoot: toHex(merkleRoot(splitLeafHashes(leafHashes))),
      leafHashes,
    };
    return this.result;
  }

  private closeChunk(): void {
    this.leaves.push(this.chunk.digest());
    this.chunk = newLeafHash();
    this.chunkFill = 0;
  }

  private assertOpen(operation: string): void {
    if (this.result) {
      throw new DataPlaneError('chunk.invalid_argument', `${operation} after digest(): the digester is closed`);
    }
  }
}

function newLeafHash(): Hash {
  return createHash('sha256').update(LEAF_PREFIX);
}
