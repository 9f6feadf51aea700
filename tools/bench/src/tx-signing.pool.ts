/**
 * Pre-signs benchmark txs on worker threads: signing is the clients' cost,
 * so it is paid before any clock starts, on every core.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TxBody } from '@accord/protocol';

export interface TxSender {
  readonly id: string;
  /** Ed25519 private key (32-byte seed, hex). */
  readonly privateKey: string;
}

/** Txs `first .. first+count-1` of a channel; tx i is signed by senders[i % senders.length] with nonce nonceBase + i. */
export interface SignJob {
  readonly id: number;
  readonly channel: string;
  readonly senders: readonly TxSender[];
  readonly first: number;
  readonly count: number;
  readonly nonceBase: number;
}

export interface SignResult {
  readonly id: number;
  /** The envelopes' log bytes (JCS), back to back. */
  readonly bytes: Uint8Array;
  /** End of each envelope in `bytes`. */
  readonly ends: Uint32Array;
  /** 32-byte txIds, back to back. */
  readonly txIds: Uint8Array;
}

/** A realistic small tx (about 300 bytes on the log): a data-access record. */
export function benchTxBody(channel: string, from: string, i: number, nonceBase: number): TxBody {
  return {
    v: 1,
    channel,
    type: 'data.access',
    from,
    nonce: nonceBase + i,
    ts: 1_700_000_000_000 + i,
    payload: { dataset: `ds-${i % 100}`, purpose: 'research', n: i },
  };
}

/** Signed txs in order: log bytes and txId of each. */
export class SignedTxs {
  private constructor(
    private readonly parts: readonly SignResult[],
    private readonly index: readonly { readonly part: number; readonly at: number }[],
  ) {}

  static of(parts: readonly SignResult[]): SignedTxs {
    const index: { part: number; at: number }[] = [];
    parts.forEach((p, part) => {
      for (let at = 0; at < p.ends.length; at++) index.push({ part, at });
    });
    return new SignedTxs(parts, index);
  }

  get length(): number {
    return this.index.length;
  }

  value(i: number): Uint8Array {
    const { part, at } = this.index[i];
    const p = this.parts[part];
    return p.bytes.subarray(at === 0 ? 0 : p.ends[at - 1], p.ends[at]);
  }

  txId(i: number): string {
    const { part, at } = this.index[i];
    return Buffer.from(this.parts[part].txIds.buffer, this.parts[part].txIds.byteOffset + at * 32, 32).toString('hex');
  }

  /** Txs `from .. to-1` as a new view (no copy). */
  slice(from: number, to: number): SignedTxs {
    return new SignedTxs(this.parts, this.index.slice(from, to));
  }

  /** Total log bytes of these txs. */
  get bytes(): number {
    let n = 0;
    for (const { part, at } of this.index) {
      const ends = this.parts[part].ends;
      n += ends[at] - (at === 0 ? 0 : ends[at - 1]);
    }
    return n;
  }
}

const CHUNK = 4000;

export class TxSigningPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, (result: SignResult) => void>();
  private nextId = 1;
  private next = 0;

  constructor(size = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(join(__dirname, 'tx-signing.worker.js'));
      worker.on('message', (result: SignResult) => {
        this.pending.get(result.id)?.(result);
        this.pending.delete(result.id);
      });
      worker.on('error', (error) => {
        console.error('signing worker failed:', error);
        process.exit(1);
      });
      return worker;
    });
  }

  /** Signs `count` txs of a channel (see SignJob), spread over the workers in chunks. */
  async sign(
    channel: string,
    senders: readonly TxSender[],
    count: number,
    options: { first?: number; nonceBase?: number } = {},
  ): Promise<SignedTxs> {
    const first = options.first ?? 0;
    const nonceBase = options.nonceBase ?? 1;
    const jobs: Promise<SignResult>[] = [];
    for (let start = 0; start < count; start += CHUNK) {
      const job: SignJob = {
        id: this.nextId++,
        channel,
        senders,
        first: first + start,
        count: Math.min(CHUNK, count - start),
        nonceBase,
      };
      jobs.push(
        new Promise((resolve) => {
          this.pending.set(job.id, resolve);
          this.workers[this.next++ % this.workers.length].postMessage(job);
        }),
      );
    }
    return SignedTxs.of(await Promise.all(jobs));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
