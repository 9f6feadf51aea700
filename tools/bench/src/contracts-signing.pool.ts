/**
 * Signs the contracts benchmark's chain on worker threads (every core),
 * before any clock starts: signing is the members' cost, not the ledger's
 * or the contracts service's. The bodies are built in this thread (their
 * txIds link consents and uses to requests); the workers only sign and
 * encode them.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TxBody } from '@accord/protocol';

/** A chunk of bodies to sign; `keys` maps each signer to its Ed25519 private key (hex seed). */
export interface ContractsSignJob {
  readonly id: number;
  readonly bodies: readonly TxBody[];
  readonly keys: Readonly<Record<string, string>>;
}

/** The envelopes' log bytes (canonical JSON) back to back, and where each ends. */
export interface ContractsSignResult {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

const CHUNK = 2000;

/** Signs `bodies` with the members' `keys`; the envelopes' log bytes in order. */
export async function signChain(
  bodies: readonly TxBody[],
  keys: Readonly<Record<string, string>>,
  size = availableParallelism(),
): Promise<Uint8Array[]> {
  const pending = new Map<number, { resolve: (r: ContractsSignResult) => void; reject: (e: unknown) => void }>();
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const worker = new Worker(join(__dirname, 'contracts-signing.worker.js'));
    worker.on('message', (result: ContractsSignResult) => {
      pending.get(result.id)?.resolve(result);
      pending.delete(result.id);
    });
    worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    return worker;
  });
  try {
    const jobs: Promise<ContractsSignResult>[] = [];
    for (let start = 0, id = 0; start < bodies.length; start += CHUNK, id++) {
      const job: ContractsSignJob = { id, bodies: bodies.slice(start, start + CHUNK), keys };
      jobs.push(new Promise((resolve, reject) => pending.set(job.id, { resolve, reject })));
      workers[id % workers.length].postMessage(job);
    }
    const envelopes: Uint8Array[] = [];
    for (const { bytes, ends } of await Promise.all(jobs))
      ends.forEach((end, k) => envelopes.push(bytes.subarray(k === 0 ? 0 : ends[k - 1], end)));
    return envelopes;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
