/**
 * Source of one signature-verification worker thread, started with
 * `new Worker(SIGNATURE_WORKER_SOURCE, { eval: true, workerData: { nativePath } })`:
 * plain CommonJS, so it runs the same from ts sources under Jest and from
 * dist. A job carries n checks packed as raw bytes (32-byte keys, 32-byte
 * messages, 64-byte signatures); the answer is one byte per check (1 = valid).
 *
 * With `nativePath` (the Ed25519 addon, see ed25519-native.loader.ts) a job
 * is one call of its verifyMany (ed25519-dalek's cofactorless verify, about
 * 3× node:crypto, with the same verdicts). Without it, or if the addon does
 * not load in this thread, node:crypto: public keys are imported once per
 * worker and kept (a bounded map, oldest dropped first); a key that does not
 * import is remembered as invalid. Any failure of one check makes it 0, as
 * protocol's verifyEd25519 returns false.
 */
export const SIGNATURE_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const MAX_KEYS = 8192;
const keys = new Map();

const native = loadNative(workerData && workerData.nativePath);

function loadNative(path) {
  if (!path) return null;
  try {
    const module = { exports: {} };
    process.dlopen(module, path);
    return module.exports;
  } catch {
    return null;
  }
}

function keyFor(raw) {
  const id = raw.toString('hex');
  let key = keys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value);
    keys.set(id, key);
  }
  return key;
}

parentPort.on('message', (job) => {
  const n = job.n;
  const pubs = Buffer.from(job.keys.buffer, job.keys.byteOffset, job.keys.byteLength);
  const msgs = Buffer.from(job.messages.buffer, job.messages.byteOffset, job.messages.byteLength);
  const sigs = Buffer.from(job.signatures.buffer, job.signatures.byteOffset, job.signatures.byteLength);
  const results =
    native === null
      ? verifyWithNodeCrypto(n, pubs, msgs, sigs)
      : // A copy: the addon's buffer may be external memory, which cannot be transferred.
        new Uint8Array(native.verifyMany(msgs, 32, sigs, pubs, native.VerifyMode.Cofactorless));
  parentPort.postMessage({ id: job.id, results }, [results.buffer]);
});

function verifyWithNodeCrypto(n, pubs, msgs, sigs) {
  const results = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const key = keyFor(pubs.subarray(i * 32, i * 32 + 32));
    if (key === null) continue;
    try {
      results[i] = verify(null, msgs.subarray(i * 32, i * 32 + 32), key, sigs.subarray(i * 64, i * 64 + 64)) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  return results;
}
`;
