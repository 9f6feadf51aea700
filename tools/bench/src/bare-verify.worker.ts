/**
 * Worker thread of bareVerify: verifies one share of packed Ed25519 checks
 * with the primitive the ledger's SignatureVerifierPool uses (the Ed25519
 * addon's verifyMany in one call when the share names it, else node:crypto
 * verify with public keys imported once and cached). It waits for a `go` after
 * receiving its share, so that the timed part holds only verification.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { loadEd25519Native } from '@accord/ledger-service';
import type { BareVerifyShare } from './bare-verify';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map<string, KeyObject>();
let share: BareVerifyShare | undefined;

function keyFor(raw: Buffer): KeyObject {
  const id = raw.toString('hex');
  let key = keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    keys.set(id, key);
  }
  return key;
}

function verifyShare(job: BareVerifyShare): number {
  if (job.nativePath !== undefined) {
    const native = loadEd25519Native(job.nativePath);
    const verdicts = native.verifyMany(
      Buffer.from(job.messages.buffer, job.messages.byteOffset, job.messages.byteLength),
      32,
      Buffer.from(job.signatures.buffer, job.signatures.byteOffset, job.signatures.byteLength),
      Buffer.from(job.keys.buffer, job.keys.byteOffset, job.keys.byteLength),
      native.VerifyMode.Cofactorless,
    );
    return verdicts.reduce((sum, v) => sum + v, 0);
  }
  const pubs = Buffer.from(job.keys.buffer, job.keys.byteOffset, job.keys.byteLength);
  const msgs = Buffer.from(job.messages.buffer, job.messages.byteOffset, job.messages.byteLength);
  const sigs = Buffer.from(job.signatures.buffer, job.signatures.byteOffset, job.signatures.byteLength);
  let valid = 0;
  for (let i = 0; i < job.n; i++) {
    const key = keyFor(pubs.subarray(i * 32, i * 32 + 32));
    if (verify(null, msgs.subarray(i * 32, i * 32 + 32), key, sigs.subarray(i * 64, i * 64 + 64))) valid++;
  }
  return valid;
}

parentPort?.on('message', (message: BareVerifyShare | 'go') => {
  if (message !== 'go') {
    share = message;
    parentPort?.postMessage('ready');
    return;
  }
  if (share === undefined) throw new Error('bare verify: go before a share');
  parentPort?.postMessage({ valid: verifyShare(share) });
});
