import type { Block, ValidityCode } from '@accord/protocol';

/**
 * The (from, nonce) pairs already used on a channel. The builder asks `has`
 * for every tx whose signature verified and `add`s it unless it is a replay.
 * The service preloads it from its database on restart with the nonces of
 * the committed blocks ({@link burnedNonces}); the open block is rebuilt from
 * the log and adds its own.
 */
export interface NonceRegistry {
  has(from: string, nonce: number): boolean;
  add(from: string, nonce: number): void;
}

export class InMemoryNonceRegistry implements NonceRegistry {
  private readonly used = new Map<string, Set<number>>();

  has(from: string, nonce: number): boolean {
    return this.used.get(from)?.has(nonce) ?? false;
  }

  add(from: string, nonce: number): void {
    let nonces = this.used.get(from);
    if (nonces === undefined) {
      nonces = new Set();
      this.used.set(from, nonces);
    }
    nonces.add(nonce);
  }

  get size(): number {
    let n = 0;
    for (const nonces of this.used.values()) n += nonces.size;
    return n;
  }
}

/** Codes of txs whose signature verified and that were not replays: exactly these burn their nonce. */
const BURNING_CODES: ReadonlySet<ValidityCode> = new Set<ValidityCode>(['valid', 'not_authorized', 'config_rejected']);

export function burnsNonce(code: ValidityCode): boolean {
  return BURNING_CODES.has(code);
}

/** The (from, nonce) pairs a committed block burned, for preloading a registry. */
export function burnedNonces(block: Block): { from: string; nonce: number }[] {
  const out: { from: string; nonce: number }[] = [];
  for (const entry of block.txs) {
    if ('envelope' in entry && burnsNonce(entry.code))
      out.push({ from: entry.envelope.body.from, nonce: entry.envelope.body.nonce });
  }
  return out;
}
