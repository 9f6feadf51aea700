/** Worker thread of signChain: signs a chunk of tx bodies and sends back their envelopes' log bytes packed in one buffer. */
import { parentPort } from 'node:worker_threads';
import { ed25519Signer, encodeEnvelope, signTx, type Ed25519Signer } from '@accord/protocol';
import type { ContractsSignJob, ContractsSignResult } from './contracts-signing.pool';

const signers = new Map<string, Ed25519Signer>();

function signerOf(job: ContractsSignJob, member: string): Ed25519Signer {
  let signer = signers.get(member);
  if (signer === undefined) {
    const key = job.keys[member];
    if (key === undefined) throw new Error(`no key for ${member}`);
    signer = ed25519Signer(key);
    signers.set(member, signer);
  }
  return signer;
}

function sign(job: ContractsSignJob): ContractsSignResult {
  const values = job.bodies.map((body) => encodeEnvelope(signTx(body, signerOf(job, body.from))));
  const ends = new Uint32Array(values.length);
  let total = 0;
  values.forEach((v, k) => {
    total += v.length;
    ends[k] = total;
  });
  const bytes = new Uint8Array(total);
  values.forEach((v, k) => bytes.set(v, k === 0 ? 0 : ends[k - 1]));
  return { id: job.id, bytes, ends };
}

parentPort?.on('message', (job: ContractsSignJob) => {
  const result = sign(job);
  parentPort?.postMessage(result, [result.bytes.buffer as ArrayBuffer, result.ends.buffer as ArrayBuffer]);
});
