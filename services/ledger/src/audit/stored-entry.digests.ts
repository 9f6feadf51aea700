import { createHash } from 'node:crypto';
import { isEnvelopeEntry, type EntryDigest, type TxEntry } from '@accord/protocol';
import { storedLeafHash } from '../persistence/row.mapper';

/** `{"body":` — how an envelope's JCS starts. */
const BODY_PREFIX = Buffer.from('{"body":');
/** `,"sig":"` — what follows the body in an envelope's JCS. */
const SIG_KEY = Buffer.from(',"sig":"');
/** A 64-byte signature in hex. */
const SIG_HEX_CHARS = 128;
/** `,"sig":"` + 128 hex characters + `"}`. */
const SIG_TAIL = SIG_KEY.length + SIG_HEX_CHARS + 2;

/**
 * The digests of a stored entry straight from its stored bytes, without
 * parsing or re-encoding: the leaf hash (as the tx index computes it) and,
 * for an envelope stored as `{"body":<JCS body>,"sig":"<128 hex>"}`, the
 * txId as SHA-256 of the body's slice. An envelope of any other layout gets
 * no txId here (verifyChain then re-encodes its body). verifyChain uses the
 * txId only after the tx root matched these leaf hashes, i.e. after the
 * bytes proved to be the committed canonical ones.
 */
export function storedEntryDigest(entry: TxEntry, bytes: Buffer): EntryDigest {
  const leafHash = storedLeafHash({ tx_id: isEnvelopeEntry(entry) ? '' : null, code: entry.code, bytes });
  const body = isEnvelopeEntry(entry) ? bodySlice(entry.envelope, bytes) : undefined;
  return body === undefined ? { leafHash } : { leafHash, txId: createHash('sha256').update(body).digest() };
}

/** The body's JCS within the envelope's stored bytes, or undefined when the bytes are not laid out as expected. */
function bodySlice(envelope: object, bytes: Buffer): Buffer | undefined {
  const tail = bytes.length - SIG_TAIL;
  if (tail <= BODY_PREFIX.length || Object.keys(envelope).length !== 2) return undefined;
  if (bytes.compare(BODY_PREFIX, 0, BODY_PREFIX.length, 0, BODY_PREFIX.length) !== 0) return undefined;
  if (bytes.compare(SIG_KEY, 0, SIG_KEY.length, tail, tail + SIG_KEY.length) !== 0) return undefined;
  if (bytes[bytes.length - 2] !== 0x22 || bytes[bytes.length - 1] !== 0x7d) return undefined;
  for (let i = tail + SIG_KEY.length; i < bytes.length - 2; i++) if (!isLowerHex(bytes[i])) return undefined;
  return bytes.subarray(BODY_PREFIX.length, tail);
}

function isLowerHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66);
}
