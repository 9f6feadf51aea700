import { createHash } from 'node:crypto';
import { RandomSource } from '../crypto/random.port';

/** A reproducible RandomSource for tests: SHA-256(seed || counter) blocks, never for real keys. */
export function deterministicRandom(seed: string): RandomSource {
  let counter = 0;
  return (length) => {
    const out = Buffer.alloc(length);
    for (let filled = 0; filled < length; filled += 32) {
      const block = createHash('sha256').update(seed).update(String(counter++)).digest();
      block.copy(out, filled, 0, Math.min(32, length - filled));
    }
    return out;
  };
}
