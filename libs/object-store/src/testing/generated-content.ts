import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * A deterministic pseudo-random body of `size` bytes (AES-128-CTR keystream,
 * seeded), produced on demand so that generating it costs no memory.
 */
export function generatedStream(size: number, seed = 1, onChunk?: (chunk: Buffer) => void): Readable {
  const key = Buffer.alloc(16, seed & 0xff);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      const chunk = cipher.update(zeros.subarray(0, n));
      onChunk?.(chunk);
      this.push(chunk);
    },
  });
}

/** The whole generated body, for small sizes only. */
export function generatedBytes(size: number, seed = 1): Buffer {
  const key = Buffer.alloc(16, seed & 0xff);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0)).update(Buffer.alloc(size));
}

/** SHA-256 hex and length of everything a stream yields, without keeping it. */
export async function digestStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A body that yields `before` bytes, then fails. */
export function failingStream(before: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(before);
      } else {
        this.destroy(error);
      }
    },
  });
}
