/** Pseudo-random bytes as streams, for the storage gateway benchmark (never a whole object in memory). */
import { createCipheriv, createHash, type Cipher } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK_BYTES = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK_BYTES);

/**
 * An AES-256-CTR keystream keyed by a seed: incompressible, the same for
 * the same seed (the raw client and the gateway store the same bytes), and
 * produced at GB/s so the generator does not limit the figures. Read in
 * consecutive streams (one per tus PATCH) that go on where the last stopped.
 */
export class Keystream {
  private readonly cipher: Cipher;

  constructor(seed: string) {
    const key = createHash('sha256').update(seed).digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }

  /** The next `size` bytes, in chunks of 1 MiB made as the consumer pulls them. */
  stream(size: number): Readable {
    let left = size;
    const cipher = this.cipher;
    return new Readable({
      highWaterMark: 2 * CHUNK_BYTES,
      read() {
        if (left === 0) {
          this.push(null);
          return;
        }
        const n = Math.min(left, CHUNK_BYTES);
        left -= n;
        this.push(cipher.update(n === CHUNK_BYTES ? ZEROS : ZEROS.subarray(0, n)));
      },
    });
  }
}
