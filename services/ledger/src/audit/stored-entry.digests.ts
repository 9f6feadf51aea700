import { hash } from 'node:crypto';
import { isEnvelopeEntry, isHex, type EntryDigest, type TxEnvelope, type TxEntry } from '@accord/protocol';

/** `{"body":` — how an envelope's JCS starts. */
const BODY_PREFIX = Buffer.from('{"body":');
/** `,"sig":"` — what follows the body in an envelope's JCS. */
const SIG_KEY = Buffer.from(',"sig":"');
/** A 64-byte signature in hex. */
const SIG_HEX_CHARS = 128;
/** `,"sig":"` + 128 hex characters + `"}`. */
const SIG_TAIL = SIG_KEY.length + SIG_HEX_CHARS + 2;
/** `0x00{"code":"<code>","envelope":` (or `"raw":"`) per validity code: the leaf's prefix and the stored bytes' JCS wrapper. */
const leafPrefixes = new Map<string, Buffer>();
/** One scratch buffer for the leaf data (reused: the audit hashes hundreds of thousands of leaves). */
let scratch = Buffer.allocUnsafe(4096);

/**
 * The digests of a stored entry straight from its stored bytes, without
 * re-encoding: the leaf hash (as the tx index computes it) and, for an
 * envelope stored as `{"body":<JCS body>,"sig":"<128 hex>"}`, the txId as
 * SHA-256 of the body's slice. An envelope of any other layout gets no
 * txId here (verifyChain then re-encodes its body). verifyChain uses the
 * txId only after the tx root matched these leaf hashes, i.e. after the
 * bytes proved to be the committed canonical ones, in which an envelope
 * of exactly {body, sig} with a hex signature is laid out as above.
 */
export function storedEntryDigest(entry: TxEntry, bytes: Buffer): EntryDigest {
  if (!isEnvelopeEntry(entry))
    return { leafHash: leafHash(`{"code":"${entry.code}","raw":"`, Buffer.from(entry.raw, 'latin1'), '"}') };
  const body = bodySlice(entry.envelope, bytes);
  const leaf = leafHash(`{"code":"${entry.code}","envelope":`, bytes, '}');
  return body === undefined ? { leafHash: leaf } : { leafHash: leaf, txId: hash('sha256', body, 'buffer') };
}

/** SHA-256(0x00 || prefix || data || suffix), one-shot over the scratch buffer (no hash object, no new buffer). */
function leafHash(prefix: string, data: Buffer, suffix: string): Buffer {
  let head = leafPrefixes.get(prefix);
  if (head === undefined) leafPrefixes.set(prefix, (head = Buffer.from(`\0${prefix}`)));
  const size = head.length + data.length + suffix.length;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(2 * size);
  head.copy(scratch, 0);
  data.copy(scratch, head.length);
  scratch.write(suffix, head.length + data.length, 'latin1');
  return hash('sha256', scratch.subarray(0, size), 'buffer');
}

/** The body's JCS within the envelope's stored bytes, or undefined when the envelope is not {body, sig} with a hex signature at the end. */
function bodySlice(envelope: TxEnvelope, bytes: Buffer): Buffer | undefined {
  const tail = bytes.length - SIG_TAIL;
  if (tail <= BODY_PREFIX.length || Object.keys(envelope).length !== 2 || !isHex(envelope.sig, SIG_HEX_CHARS / 2))
    return undefined;
  if (bytes.compare(BODY_PREFIX, 0, BODY_PREFIX.length, 0, BODY_PREFIX.length) !== 0) return undefined;
  if (bytes.compare(SIG_KEY, 0, SIG_KEY.length, tail, tail + SIG_KEY.length) !== 0) return undefined;
  return bytes.subarray(BODY_PREFIX.length, tail);
}
