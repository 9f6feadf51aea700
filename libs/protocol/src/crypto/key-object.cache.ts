import type { KeyObject } from 'node:crypto';

/**
 * Bounded cache of parsed keys, keyed by hex. Importing a key costs far more
 * than a signature check, and the ledger verifies thousands of signatures per
 * second against a small set of member keys. Least recently used entries are
 * evicted first (a Map iterates in insertion order; hits are re-inserted).
 */
export class KeyObjectCache {
  private readonly entries = new Map<string, KeyObject>();

  constructor(private readonly capacity: number) {}

  get(hex: string, create: (hex: string) => KeyObject): KeyObject {
    const cached = this.entries.get(hex);
    if (cached !== undefined) {
      this.entries.delete(hex);
      this.entries.set(hex, cached);
      return cached;
    }
    const created = create(hex);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(hex, created);
    return created;
  }

  get size(): number {
    return this.entries.size;
  }
}
