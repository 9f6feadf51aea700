/**
 * The audit's baseline: the bare verification time of a set of Ed25519
 * signatures on all cores (one worker thread per core, each verifying an
 * equal share with the primitive the ledger's SignatureVerifierPool uses:
 * the Ed25519 addon's verifyMany when `nativePath` is given, else
 * node:crypto verify with cached keys). Packing and handing out the shares happen
 * before the clock starts; the time runs from `go` to the last worker's
 * answer.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** One worker's checks, packed: 32-byte keys, 32-byte messages, 64-byte signatures, back to back. */
export interface BareVerifyShare {
  readonly n: number;
  /** The Ed25519 addon to verify with (as the ledger's workers do); node:crypto without it. */
  readonly nativePath?: string;
  readonly keys: Uint8Array;
  readonly messages: Uint8Array;
  readonly signatures: Uint8Array;
}

/** Check i: key, message and signature (raw bytes). */
export interface BareCheckSource {
  readonly length: number;
  check(i: number): { readonly key: Uint8Array; readonly message: Uint8Array; readonly signature: Uint8Array };
}

export interface BareVerifyResult {
  readonly seconds: number;
  readonly valid: number;
  readonly workers: number;
}

/** Verifies every check once, spread over `workers` threads (default: one per core). */
export async function bareVerify(
  source: BareCheckSource,
  nativePath: string | undefined,
  workers = availableParallelism(),
): Promise<BareVerifyResult> {
  const size = Math.ceil(source.length / workers);
  const threads = Array.from({ length: workers }, () => new Worker(join(__dirname, 'bare-verify.worker.js')));
  try {
    await Promise.all(
      threads.map((worker, w) => {
        const { share, transfer } = pack(source, w * size, Math.min(source.length, (w + 1) * size));
        const ready = reply<'ready'>(worker);
        worker.postMessage({ ...share, ...(nativePath === undefined ? {} : { nativePath }) }, transfer);
        return ready;
      }),
    );
    const start = performance.now();
    const answers = threads.map((worker) => reply<{ valid: number }>(worker));
    for (const worker of threads) worker.postMessage('go');
    const valid = (await Promise.all(answers)).reduce((sum, a) => sum + a.valid, 0);
    return { seconds: (performance.now() - start) / 1000, valid, workers };
  } finally {
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}

function pack(source: BareCheckSource, from: number, to: number): { share: BareVerifyShare; transfer: ArrayBuffer[] } {
  const n = Math.max(0, to - from);
  const keys = new Uint8Array(n * 32);
  const messages = new Uint8Array(n * 32);
  const signatures = new Uint8Array(n * 64);
  for (let k = 0; k < n; k++) {
    const { key, message, signature } = source.check(from + k);
    keys.set(key, k * 32);
    messages.set(message, k * 32);
    signatures.set(signature, k * 64);
  }
  return { share: { n, keys, messages, signatures }, transfer: [keys.buffer, messages.buffer, signatures.buffer] };
}

function reply<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (error: unknown): void => reject(error);
    worker.once('message', (message: T) => {
      worker.off('error', onError);
      resolve(message);
    });
    worker.once('error', onError);
  });
}
