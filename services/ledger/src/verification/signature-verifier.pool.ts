import { Worker } from 'node:worker_threads';
import { isHex, verifyEd25519 } from '@accord/protocol';
import { loadEd25519Native, type Ed25519Native } from './ed25519-native.loader';
import { SIGNATURE_WORKER_SOURCE } from './signature-worker.source';

/** One Ed25519 check: `signature` (hex) by `publicKey` (hex) over `message`. */
export interface SignatureCheck {
  readonly publicKey: string;
  readonly message: Uint8Array;
  readonly signature: string;
}

export interface SignaturePoolOptions {
  /** Worker threads; 0 verifies on the calling thread. */
  readonly workers: number;
  /** Below this many checks per worker a batch is not split further (messaging costs more than it saves). */
  readonly minChecksPerWorker?: number;
  /**
   * The Ed25519 addon the workers verify with (a path from resolveEd25519Backend);
   * unset: node:crypto. Either way the verdicts are node:crypto's.
   */
  readonly nativeAddonPath?: string;
  /** Told when a worker fails and is replaced (its checks are then verified inline). */
  readonly onWorkerError?: (error: unknown) => void;
}

interface Job {
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (error: unknown) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
}

/** A packed job waiting for (or running on) a worker. */
interface QueuedJob extends Job {
  readonly id: number;
  readonly n: number;
  readonly keys: Buffer;
  readonly messages: Buffer;
  readonly signatures: Buffer;
  /** The three buffers' memory, moved (not copied) to the worker. */
  readonly transfer: ArrayBuffer[];
}

const PACKED_MESSAGE_BYTES = 32;
const DEFAULT_MIN_CHECKS_PER_WORKER = 64;
/** Checks per job of a large batch (an audit page): small enough to balance the workers, large enough that messaging is negligible. */
const MAX_CHUNK_CHECKS = 1024;
/** Jobs a worker holds at once: the next is already there when it finishes one. */
const JOBS_PER_WORKER = 2;

/**
 * Ed25519 verification on worker threads, with exactly the answers of
 * protocol's verifyEd25519 (malformed hex, unimportable keys and bad
 * signatures are all `false`, never an exception). Checks whose message is
 * not 32 bytes (txIds and attestation digests are) run inline. A worker
 * that dies is replaced and its checks are verified inline, so a batch
 * always completes.
 */
export class SignatureVerifierPool {
  private readonly workers: PoolWorker[] = [];
  private nextJobId = 1;
  private nextWorker = 0;
  private readonly queue: QueuedJob[] = [];
  private closed = false;
  private readonly minChecksPerWorker: number;
  /** The addon on this thread too, for the checks verified inline. */
  private readonly native: Ed25519Native | null;

  constructor(private readonly options: SignaturePoolOptions) {
    if (!Number.isSafeInteger(options.workers) || options.workers < 0)
      throw new Error(`workers must be a non-negative integer, got ${options.workers}`);
    this.minChecksPerWorker = options.minChecksPerWorker ?? DEFAULT_MIN_CHECKS_PER_WORKER;
    this.native = options.nativeAddonPath === undefined ? null : loadEd25519Native(options.nativeAddonPath);
    for (let i = 0; i < options.workers; i++) this.workers.push(this.spawn());
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * One check on the calling thread, with the pool's verifier (the addon
   * when the pool has one, else node:crypto): exactly verifyEd25519's answer.
   * For the few checks not worth a round trip to a worker.
   */
  readonly verifyOne = (publicKey: string, message: Uint8Array, signature: string): boolean => {
    if (this.native === null) return verifyEd25519(publicKey, message, signature);
    // Same gate as verifyEd25519: not lowercase hex of the right size is simply invalid.
    if (!isHex(publicKey, 32) || !isHex(signature, 64) || !(message instanceof Uint8Array)) return false;
    const answer = this.native.verifyMany(
      Buffer.from(message.buffer, message.byteOffset, message.byteLength),
      message.byteLength,
      Buffer.from(signature, 'hex'),
      Buffer.from(publicKey, 'hex'),
      this.native.VerifyMode.Cofactorless,
    );
    return answer[0] === 1;
  };

  /** Verifies every check; results are in the same order. */
  async verifyBatch(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    const results = new Array<boolean>(checks.length).fill(false);
    const packable: number[] = [];
    for (let i = 0; i < checks.length; i++) {
      const { publicKey, message, signature } = checks[i];
      // Same gate as verifyEd25519: not lowercase hex of the right size is simply invalid.
      if (!isHex(publicKey, 32) || !isHex(signature, 64) || !(message instanceof Uint8Array)) continue;
      if (message.length !== PACKED_MESSAGE_BYTES || this.closed || this.workers.length === 0) {
        results[i] = this.verifyOne(publicKey, message, signature);
      } else {
        packable.push(i);
      }
    }
    if (packable.length === 0) return results;
    const parts = Math.max(1, Math.min(this.workers.length, Math.floor(packable.length / this.minChecksPerWorker)));
    // Large batches go out in chunks taken by whichever worker is free, so one slow worker does not hold up the batch.
    const size = Math.min(Math.ceil(packable.length / parts), Math.max(MAX_CHUNK_CHECKS, this.minChecksPerWorker));
    const runs: Promise<void>[] = [];
    for (let start = 0; start < packable.length; start += size) {
      const indexes = packable.slice(start, start + size);
      runs.push(
        this.runOnWorker(indexes.map((i) => checks[i])).then(
          (answers) => indexes.forEach((i, k) => (results[i] = answers[k] === 1)),
          () =>
            indexes.forEach(
              (i) => (results[i] = this.verifyOne(checks[i].publicKey, checks[i].message, checks[i].signature)),
            ),
        ),
      );
    }
    await Promise.all(runs);
    return results;
  }

  /** Terminates the workers; later batches are verified inline. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('signature pool is closed'));
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  /** Packs the checks into one job and queues it for the next worker with room. */
  private runOnWorker(checks: readonly SignatureCheck[]): Promise<Uint8Array> {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error('signature pool is closed'));
    const n = checks.length;
    // Buffer.alloc gives each its own ArrayBuffer (transferable); the hex (checked by verifyBatch) is decoded in place.
    const keys = Buffer.alloc(n * 32);
    const messages = Buffer.alloc(n * 32);
    const signatures = Buffer.alloc(n * 64);
    for (let i = 0; i < n; i++) {
      const { publicKey, message, signature } = checks[i];
      keys.write(publicKey, i * 32, 32, 'hex');
      messages.set(message, i * 32);
      signatures.write(signature, i * 64, 64, 'hex');
    }
    const id = this.nextJobId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const transfer = [keys.buffer, messages.buffer, signatures.buffer];
      this.queue.push({ id, n, keys, messages, signatures, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Hands queued jobs to workers with fewer than JOBS_PER_WORKER in flight (the least busy first). */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let target: PoolWorker | undefined;
      for (let k = 0; k < this.workers.length; k++) {
        const candidate = this.workers[(this.nextWorker + k) % this.workers.length];
        if (candidate.jobs.size < JOBS_PER_WORKER && (target === undefined || candidate.jobs.size < target.jobs.size))
          target = candidate;
      }
      if (target === undefined) return;
      this.nextWorker++;
      const job = this.queue.shift() as QueuedJob;
      const { id, n, keys, messages, signatures, transfer } = job;
      if (target.jobs.size === 0) target.worker.ref();
      target.jobs.set(id, job);
      target.worker.postMessage({ id, n, keys, messages, signatures }, transfer);
    }
  }

  private spawn(): PoolWorker {
    const worker = new Worker(SIGNATURE_WORKER_SOURCE, {
      eval: true,
      workerData: { nativePath: this.options.nativeAddonPath },
    });
    // An idle pool must not keep the process alive (it is ref'd while it has jobs).
    worker.unref();
    const entry: PoolWorker = { worker, jobs: new Map() };
    worker.on('message', (reply: { id: number; results: Uint8Array }) => {
      const job = entry.jobs.get(reply.id);
      entry.jobs.delete(reply.id);
      if (entry.jobs.size === 0) worker.unref();
      job?.resolve(reply.results);
      this.dispatch();
    });
    const fail = (error: unknown): void => {
      const jobs = [...entry.jobs.values()];
      entry.jobs.clear();
      for (const job of jobs) job.reject(error);
      const index = this.workers.indexOf(entry);
      if (index < 0) return;
      if (this.closed) {
        this.workers.splice(index, 1);
        return;
      }
      this.options.onWorkerError?.(error);
      this.workers[index] = this.spawn();
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signature worker exited with code ${code}`)));
    return entry;
  }
}
