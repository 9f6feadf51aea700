/**
 * Ed25519 verification benchmark (issue 13): node:crypto (OpenSSL) against a
 * native addon built from native/ed25519 (napi-rs + ed25519-dalek), on the
 * ledger's real signed message — the 32-byte txId, SHA-256 of the tx body's
 * canonical JSON (protocol's txIdBytes, what signTx signs and
 * verifyEnvelopeSignature checks).
 *
 * Prints, in one run: verifications/s on one core and on all cores (worker
 * threads) with the ratio to node:crypto; then the verdicts of each verifier
 * on the "Taming the Many EdDSAs" edge-case vectors and the number of random
 * valid and corrupted signatures on which each disagrees with OpenSSL — a
 * verifier may replace OpenSSL in consensus only with zero disagreements.
 *
 * Run: `npx tsc -b tsconfig.build.json && node tools/bench/dist/ed25519.bench.js`
 * (needs cargo; the addon is built into ~/.cache/accord). BENCH_SCALE scales
 * the counts; ED25519_VECTORS names another vector file of the same form.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, KeyObject, randomBytes, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ed25519Signer, generateEd25519KeyPair, txIdBytes, verifyEd25519 } from '@accord/protocol';
import { benchScale } from './bench.config';
import { measureRate, median, printTable, summarize, withNote, type Measurement } from './bench-stats';
import { benchTxBody } from './tx-signing.pool';

const NATIVE_DIR = join(__dirname, '..', '..', '..', 'native', 'ed25519');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const MESSAGE_BYTES = 32;
const BATCH_SIZES = [64, 256, 1024] as const;
/** Ed25519's group order L, for making non-canonical S (S + L). */
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The addon's exports (native/ed25519/src/lib.rs); napi-rs turns snake_case into camelCase. */
interface Ed25519Native {
  backend(): string;
  verify(message: Buffer, signature: Buffer, key: Buffer): boolean;
  verifyMany(messages: Buffer, messageBytes: number, signatures: Buffer, keys: Buffer, mode: number): Buffer;
  verifyBatch(messages: Buffer, messageBytes: number, signatures: Buffer, keys: Buffer): boolean;
  verifyBatchExact(messages: Buffer, messageBytes: number, signatures: Buffer, keys: Buffer): boolean;
  readonly VerifyMode: { readonly Cofactorless: number; readonly Strict: number };
}

/** N checks packed as the addon and the ledger's worker pool take them. */
interface Packed {
  readonly count: number;
  readonly messages: Buffer;
  readonly signatures: Buffer;
  readonly keys: Buffer;
}

type Method = 'node' | 'native-many' | 'native-batch-256';

interface WorkerTask {
  readonly method: Method;
  readonly soPath: string;
  readonly packed: Packed;
  readonly seconds: number;
}

/** Builds the addon (cargo, incremental, output under ~/.cache/accord) and returns the path of the library. */
function buildNative(): string {
  const started = performance.now();
  const out = execFileSync('bash', [join(NATIVE_DIR, 'build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  console.log(`native addon ready in ${((performance.now() - started) / 1000).toFixed(1)} s (cargo, cached build)`);
  return out.trim();
}

/** Loads a napi library by path; dlopen needs no `.node` file name. */
function loadNative(soPath: string): Ed25519Native {
  const module = { exports: {} as Ed25519Native };
  process.dlopen(module, soPath);
  return module.exports;
}

/** `count` bench txs signed by `senders` keys, as the ledger receives them: txId, signature, signer key. */
function signedTxs(count: number, senders: number): Packed {
  const signers = Array.from({ length: senders }, () => ed25519Signer(generateEd25519KeyPair().privateKey));
  const messages = Buffer.alloc(count * MESSAGE_BYTES);
  const signatures = Buffer.alloc(count * 64);
  const keys = Buffer.alloc(count * 32);
  for (let i = 0; i < count; i++) {
    const signer = signers[i % senders];
    const txId = txIdBytes(benchTxBody('bench-ed25519', `member-${i % senders}`, i, 1));
    messages.set(txId, i * MESSAGE_BYTES);
    signatures.set(Buffer.from(signer.sign(txId), 'hex'), i * 64);
    keys.set(Buffer.from(signer.publicKey, 'hex'), i * 32);
  }
  return { count, messages, signatures, keys };
}

function slice(p: Packed, first: number, count: number): Packed {
  return {
    count,
    messages: p.messages.subarray(first * MESSAGE_BYTES, (first + count) * MESSAGE_BYTES),
    signatures: p.signatures.subarray(first * 64, (first + count) * 64),
    keys: p.keys.subarray(first * 32, (first + count) * 32),
  };
}

function importKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** OpenSSL's verdict, as the ledger's worker gets it: a key that does not import, or any throw, is invalid. */
function opensslVerdict(message: Buffer, signature: Buffer, key: Buffer): boolean {
  try {
    return cryptoVerify(null, message, importKey(key), signature);
  } catch {
    return false;
  }
}

/** node:crypto over all checks with one KeyObject per distinct key (imported once, as the ledger's worker caches them). */
function nodeVerifier(p: Packed): () => number {
  const cache = new Map<string, KeyObject>();
  const keyObjects = Array.from({ length: p.count }, (_, i) => {
    const raw = p.keys.subarray(i * 32, i * 32 + 32);
    const id = raw.toString('hex');
    let key = cache.get(id);
    if (key === undefined) cache.set(id, (key = importKey(raw)));
    return key;
  });
  return () => {
    let valid = 0;
    for (let i = 0; i < p.count; i++) {
      const message = p.messages.subarray(i * MESSAGE_BYTES, (i + 1) * MESSAGE_BYTES);
      if (cryptoVerify(null, message, keyObjects[i], p.signatures.subarray(i * 64, i * 64 + 64))) valid++;
    }
    return assertAllValid(valid, p.count);
  };
}

function nativeSingleVerifier(native: Ed25519Native, p: Packed): () => number {
  return () => {
    let valid = 0;
    for (let i = 0; i < p.count; i++) {
      const message = p.messages.subarray(i * MESSAGE_BYTES, (i + 1) * MESSAGE_BYTES);
      if (native.verify(message, p.signatures.subarray(i * 64, i * 64 + 64), p.keys.subarray(i * 32, i * 32 + 32)))
        valid++;
    }
    return assertAllValid(valid, p.count);
  };
}

function nativeManyVerifier(native: Ed25519Native, p: Packed, mode: number): () => number {
  return () => {
    const verdicts = native.verifyMany(p.messages, MESSAGE_BYTES, p.signatures, p.keys, mode);
    return assertAllValid(
      verdicts.reduce((sum, v) => sum + v, 0),
      p.count,
    );
  };
}

function nativeBatchVerifier(native: Ed25519Native, p: Packed, size: number, exact: boolean): () => number {
  const batches: Packed[] = [];
  for (let first = 0; first + size <= p.count; first += size) batches.push(slice(p, first, size));
  return () => {
    for (const b of batches) {
      const ok = exact
        ? native.verifyBatchExact(b.messages, MESSAGE_BYTES, b.signatures, b.keys)
        : native.verifyBatch(b.messages, MESSAGE_BYTES, b.signatures, b.keys);
      if (!ok) throw new Error('a batch of valid signatures was rejected');
    }
    return batches.length * size;
  };
}

/** The bench signs only valid txs: a verifier that says otherwise is broken, and its rate meaningless. */
function assertAllValid(valid: number, count: number): number {
  if (valid !== count) throw new Error(`only ${valid} of ${count} valid signatures verified`);
  return count;
}

function verifierFor(method: Method, native: Ed25519Native, p: Packed): () => number {
  if (method === 'node') return nodeVerifier(p);
  if (method === 'native-many') return nativeManyVerifier(native, p, native.VerifyMode.Cofactorless);
  return nativeBatchVerifier(native, p, 256, false);
}

/** Buffers arrive in a worker as plain Uint8Arrays (structured clone); the verifiers need Buffers. */
function asBuffers(p: Packed): Packed {
  const view = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { count: p.count, messages: view(p.messages), signatures: view(p.signatures), keys: view(p.keys) };
}

/** Worker thread side: verifies its copy of the checks over and over for `seconds`, reports how many. */
function runWorker(task: WorkerTask): void {
  const native = loadNative(task.soPath);
  const run = verifierFor(task.method, native, asBuffers(task.packed));
  run();
  const until = performance.now() + task.seconds * 1000;
  let done = 0;
  while (performance.now() < until) done += run();
  parentPort?.postMessage(done);
}

/** All cores: one worker per core, each verifying the same checks; total verifications/s. */
async function allCores(method: Method, soPath: string, p: Packed, seconds: number): Promise<number> {
  const threads = availableParallelism();
  const started = performance.now();
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const task: WorkerTask = { method, soPath, packed: p, seconds };
          const worker = new Worker(__filename, { workerData: task });
          worker.once('message', (done: number) => resolve(done));
          worker.once('error', reject);
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
}

async function oneCore(native: Ed25519Native, p: Packed, runs: number): Promise<Measurement[]> {
  const hexChecks = Array.from({ length: p.count }, (_, i) => ({
    key: p.keys.subarray(i * 32, i * 32 + 32).toString('hex'),
    message: p.messages.subarray(i * MESSAGE_BYTES, (i + 1) * MESSAGE_BYTES),
    signature: p.signatures.subarray(i * 64, i * 64 + 64).toString('hex'),
  }));
  const cases: [string, () => number][] = [
    ['node:crypto verify, cached KeyObject', nodeVerifier(p)],
    [
      'protocol verifyEd25519 (hex, as inline)',
      () => assertAllValid(hexChecks.filter((c) => verifyEd25519(c.key, c.message, c.signature)).length, p.count),
    ],
    ['native verify, one call per signature', nativeSingleVerifier(native, p)],
    ['native verifyMany cofactorless, 1 call', nativeManyVerifier(native, p, native.VerifyMode.Cofactorless)],
    ['native verifyMany strict, 1 call', nativeManyVerifier(native, p, native.VerifyMode.Strict)],
    ...BATCH_SIZES.map((size): [string, () => number] => [
      `native verifyBatch of ${size}`,
      nativeBatchVerifier(native, p, size, false),
    ]),
    ['native verifyBatchExact of 256', nativeBatchVerifier(native, p, 256, true)],
  ];
  for (const [, run] of cases) run();
  // Round robin (one run of each verifier per round): the machine is shared,
  // and a load change then hits every verifier alike instead of a few.
  const rates = cases.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, [, run]] of cases.entries()) rates[i].push((await measureRate('', 1, run)).median);
  }
  const rows = cases.map(([name], i) => summarize(name, 'ops/s', rates[i]));
  const base = rows[0].median;
  return rows.map((r) => withNote(r, `${(r.median / base).toFixed(2)}× node:crypto`));
}

interface Vector {
  readonly index: number;
  readonly comment: string;
  readonly message: string;
  readonly pub_key: string;
  readonly signature: string;
}

/** All verdicts on one check, in table order. */
function verdicts(native: Ed25519Native, message: Buffer, signature: Buffer, key: Buffer): boolean[] {
  const mode = native.VerifyMode;
  return [
    opensslVerdict(message, signature, key),
    native.verifyMany(message, message.length, signature, key, mode.Cofactorless)[0] === 1,
    native.verifyMany(message, message.length, signature, key, mode.Strict)[0] === 1,
    native.verifyBatch(message, message.length, signature, key),
    native.verifyBatchExact(message, message.length, signature, key),
  ];
}

const VERDICT_COLUMNS = ['OpenSSL', 'dalek verify', 'dalek verify_strict', 'dalek batch', 'batchExact'];

function printVectorTable(native: Ed25519Native, file: string): void {
  const { source, cases } = JSON.parse(readFileSync(file, 'utf8')) as { source: string; cases: Vector[] };
  console.log(`\nEdge-case vectors (${file})\n${source}`);
  console.log(['#', ...VERDICT_COLUMNS, 'case'].join(' | '));
  for (const c of cases) {
    const v = verdicts(
      native,
      Buffer.from(c.message, 'hex'),
      Buffer.from(c.signature, 'hex'),
      Buffer.from(c.pub_key, 'hex'),
    );
    console.log([String(c.index), ...v.map((ok) => (ok ? 'V' : 'X')), c.comment].join(' | '));
  }
}

/** S + L in place of S (same point equation, non-canonical encoding), when it still fits 32 bytes. */
function withNonCanonicalS(signature: Buffer): Buffer {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`) + GROUP_ORDER;
  const hex = s.toString(16).padStart(64, '0');
  if (hex.length > 64) return signature;
  return Buffer.concat([signature.subarray(0, 32), Buffer.from(hex, 'hex').reverse()]);
}

function flipBit(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const bit = Math.floor(Math.random() * out.length * 8);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

/** Random valid signatures and corruptions of them; counts the checks where each verifier differs from OpenSSL. */
function randomDisagreements(native: Ed25519Native, p: Packed, count: number): void {
  const smallOrderKey = Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', 'hex');
  const corruptions: [string, (m: Buffer, s: Buffer, k: Buffer) => [Buffer, Buffer, Buffer]][] = [
    ['valid', (m, s, k) => [m, s, k]],
    ['bit flip in signature', (m, s, k) => [m, flipBit(s), k]],
    ['bit flip in message', (m, s, k) => [flipBit(m), s, k]],
    ['bit flip in key', (m, s, k) => [m, s, flipBit(k)]],
    ['S + L (non-canonical S)', (m, s, k) => [m, withNonCanonicalS(s), k]],
    ['random key bytes', (m, s) => [m, s, randomBytes(32)]],
    ['random signature bytes', (m, _s, k) => [m, randomBytes(64), k]],
    ['small-order key, random signature', (m) => [m, randomBytes(64), smallOrderKey]],
  ];
  console.log(`\nRandom checks against OpenSSL (${count} per row): checks where the verdict differs`);
  console.log(['input', 'OpenSSL valid', ...VERDICT_COLUMNS.slice(1)].join(' | '));
  for (const [name, corrupt] of corruptions) {
    const differ = [0, 0, 0, 0];
    let opensslValid = 0;
    for (let n = 0; n < count; n++) {
      const i = n % p.count;
      const [m, s, k] = corrupt(
        p.messages.subarray(i * MESSAGE_BYTES, (i + 1) * MESSAGE_BYTES),
        p.signatures.subarray(i * 64, i * 64 + 64),
        p.keys.subarray(i * 32, i * 32 + 32),
      );
      const [openssl, ...others] = verdicts(native, m, s, k);
      if (openssl) opensslValid++;
      others.forEach((v, j) => (differ[j] += v === openssl ? 0 : 1));
    }
    console.log([name, String(opensslValid), ...differ.map(String)].join(' | '));
  }
}

async function main(): Promise<void> {
  const scale = benchScale();
  const soPath = buildNative();
  const native = loadNative(soPath);
  console.log(`backend: ${native.backend()}`);
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${availableParallelism()} cores`);
  const count = Math.max(1024, Math.round(4096 * scale));
  const p = signedTxs(count, 16);
  const runs = 5;

  printTable(`Ed25519 verification, one core (${count} bench txIds, 16 signers)`, await oneCore(native, p, runs));

  const seconds = Math.max(0.5, scale);
  const methods: Method[] = ['node', 'native-many', 'native-batch-256'];
  const rounds = methods.map((): number[] => []);
  for (let round = 0; round < 3; round++) {
    for (const [i, method] of methods.entries()) rounds[i].push(await allCores(method, soPath, p, seconds));
  }
  const rates = rounds.map(median);
  console.log(`\nAll cores (${availableParallelism()} worker threads; median of 3 rounds of ${seconds} s each)`);
  methods.forEach((m, i) =>
    console.log(
      `${m.padEnd(18)} ${Math.round(rates[i]).toLocaleString('en-US').padStart(9)} verify/s  ${(rates[i] / rates[0]).toFixed(2)}× node:crypto`,
    ),
  );

  printVectorTable(native, process.env.ED25519_VECTORS ?? join(NATIVE_DIR, 'fixtures', 'ed25519-speccheck.cases.json'));
  randomDisagreements(native, p, Math.max(200, Math.round(2000 * scale)));
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  runWorker(workerData as WorkerTask);
}
