/**
 * Worker thread of TxSigningPool: signs a range of benchmark txs (the
 * client's cost, paid before the clock starts) and sends back their log
 * bytes packed into one buffer plus their txIds.
 */
import { parentPort } from 'node:worker_threads';
import { ed25519Signer, encodeEnvelope, txIdBytes, type Ed25519Signer } from '@accord/protocol';
import { benchTxBody, type SignJob, type SignResult } from './tx-signing.pool';

const signers = new Map<string, Ed25519Signer>();

function signer(privateKey: string): Ed25519Signer {
  let s = signers.get(privateKey);
  if (s === undefined) {
    s = ed25519Signer(privateKey);
    signers.set(privateKey, s);
  }
  return s;
}

function sign(job: SignJob): SignResult & { readonly transfer: ArrayBuffer[] } {
  const values: Uint8Array[] = [];
  const ends = new Uint32Array(job.count);
  const txIds = new Uint8Array(job.count * 32);
  let total = 0;
  for (let k = 0; k < job.count; k++) {
    const i = job.first + k;
    const sender = job.senders[i % job.senders.length];
    const body = benchTxBody(job.channel, sender.id, i, job.nonceBase);
    // What signTx does, keeping the txId bytes (the ledger flags a malformed body; the bench checks every code is valid).
    const id = txIdBytes(body);
    const value = encodeEnvelope({ body, sig: signer(sender.privateKey).sign(id) });
    values.push(value);
    total += value.length;
    ends[k] = total;
    txIds.set(id, k * 32);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const v of values) {
    bytes.set(v, at);
    at += v.length;
  }
  return { id: job.id, bytes, ends, txIds, transfer: [bytes.buffer, ends.buffer, txIds.buffer] };
}

parentPort?.on('message', (job: SignJob) => {
  const { transfer, ...result } = sign(job);
  parentPort?.postMessage(result, transfer);
});
