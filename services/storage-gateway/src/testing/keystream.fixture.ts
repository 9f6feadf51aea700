import { createCipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectDigester, type ObjectDigest } from '@accord/data-plane';

const BLOCK = 1024 * 1024;

/**
 * Large test content that never sits in memory: the AES-256-CTR keystream
 * of a seed, so any range can be produced again from its offset (an
 * upload resumed at the server's offset sends exactly the bytes it missed).
 */
export function keystream(seed: string, start: number, end: number): Readable {
  const key = Buffer.alloc(32);
  key.write(seed.slice(0, 32));
  return Readable.from(
    (function* generate(): Generator<Buffer> {
      for (let at = start - (start % 16); at < end;) {
        const counter = Buffer.alloc(16);
        counter.writeBigUInt64BE(BigInt(at / 16), 8);
        const length = Math.min(BLOCK, end - at);
        const block = createCipheriv('aes-256-ctr', key, counter).update(
          Buffer.alloc(length + ((16 - (length % 16)) % 16)),
        );
        const from = at < start ? start - at : 0;
        yield block.subarray(from, length);
        at += length;
      }
    })(),
  );
}

/** The digest an upload of keystream(seed, 0, size) must have. */
export async function keystreamDigest(seed: string, size: number, chunkSize?: number): Promise<ObjectDigest> {
  const digester = new ObjectDigester(chunkSize);
  for await (const chunk of keystream(seed, 0, size)) digester.update(chunk as Buffer);
  return digester.digest();
}
