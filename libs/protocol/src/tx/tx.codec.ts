import { Ed25519Signer, ed25519Signer, verifyEd25519 } from '../crypto/ed25519.crypto';
import { sha256, sha256Hex } from '../crypto/sha256.crypto';
import { toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalBytes } from '../json/canonical-json.codec';
import { parseCanonicalJson } from '../json/canonical-json.parser';
import { isPlainObject } from '../json/json.types';
import { parseWithSchema, PROTOCOL_VERSION } from '../schema/protocol.schema';
import { TxBody, txBodySchema, TxEnvelope, txEnvelopeSchema } from './tx.schema';

export const DEFAULT_MAX_TX_BYTES = 256 * 1024;

export interface ParseEnvelopeOptions {
  /** Size limit of the encoded envelope (default {@link DEFAULT_MAX_TX_BYTES}). */
  readonly maxTxBytes?: number;
  /** When given, the body's channel must be this one (`tx.wrong_channel`). */
  readonly channel?: string;
}

export interface ParsedEnvelope {
  readonly envelope: TxEnvelope;
  readonly txId: string;
}

/** SHA-256 of the canonical body; the Ed25519 signature covers these 32 bytes. */
export function txIdBytes(body: TxBody): Uint8Array {
  return sha256(canonicalBytes(body));
}

export function computeTxId(body: TxBody): string {
  return toHex(txIdBytes(body));
}

/** Validates the body (`tx.invalid`) and signs its txId. */
export function signTx(body: TxBody, key: Ed25519Signer | string): TxEnvelope {
  const checked = parseWithSchema(txBodySchema, body, 'tx.invalid', 'tx body');
  const signer = typeof key === 'string' ? ed25519Signer(key) : key;
  return { body: checked, sig: signer.sign(txIdBytes(checked)) };
}

/** The bytes that go on the log: the envelope's canonical JSON. */
export function encodeEnvelope(envelope: TxEnvelope): Uint8Array {
  return canonicalBytes(envelope);
}

/**
 * Parses a tx as read from the log. Checks, in this order: size
 * (`tx.too_large`), canonical JSON (`json.*`), protocol version
 * (`tx.unsupported_version`), shape and field formats (`tx.invalid`), and
 * the channel if one is given (`tx.wrong_channel`). The signature is not
 * checked here: the signer's key comes from ledger state, see
 * {@link verifyEnvelopeSignature}.
 */
export function parseEnvelope(bytes: Uint8Array | string, options: ParseEnvelopeOptions = {}): ParsedEnvelope {
  const maxTxBytes = options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES;
  checkTxSize(typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length, maxTxBytes);
  // Parsed as given (a string with a lone surrogate is refused, not replaced), encoded only once it is canonical.
  const value = parseCanonicalJson(bytes, { maxBytes: maxTxBytes });
  return envelopeOfCanonicalValue(value, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, options);
}

/**
 * The checks of {@link parseEnvelope} after the JSON parse, for a value
 * whose canonical JSON (JCS) is `canonical` — the caller has it already
 * (e.g. it just serialised the value with canonicalBytes), so the bytes are
 * neither parsed nor serialised again. Size (`tx.too_large`), version,
 * shape and channel are checked as there.
 */
export function envelopeOfCanonicalValue(
  value: unknown,
  canonical: Uint8Array,
  options: ParseEnvelopeOptions = {},
): ParsedEnvelope {
  checkTxSize(canonical.length, options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES);
  const version = isPlainObject(value) && isPlainObject(value['body']) ? value['body']['v'] : undefined;
  if (typeof version === 'number' && version !== PROTOCOL_VERSION) {
    throw new ProtocolError('tx.unsupported_version', `tx protocol version ${version} is not supported (expected 1)`, {
      version,
    });
  }
  const envelope = parseWithSchema(txEnvelopeSchema, value, 'tx.invalid', 'tx envelope');
  if (options.channel !== undefined && envelope.body.channel !== options.channel) {
    throw new ProtocolError('tx.wrong_channel', `tx is for channel ${envelope.body.channel}, not ${options.channel}`, {
      channel: envelope.body.channel,
      expected: options.channel,
    });
  }
  return { envelope, txId: txIdHexOfCanonicalEnvelope(canonical, envelope) };
}

const BODY_PREFIX = Buffer.from('{"body":', 'utf8');
const SIG_PREFIX = Buffer.from(',"sig":"', 'utf8');
const SIG_SUFFIX = Buffer.from('"}', 'utf8');

/**
 * The txId bytes of an envelope from its canonical JSON, without
 * serialising the body again: JCS orders `body` before `sig`, so the
 * envelope's JCS is `{"body":` + JCS(body) + `,"sig":"` + sig + `"}` and
 * SHA-256 of the slice between is the txId (computeTxId re-serialises the
 * parsed body first). `canonical` must be the JCS of exactly this envelope;
 * should its frame not be the expected one, the body is serialised after all.
 */
export function txIdBytesOfCanonicalEnvelope(canonical: Uint8Array, envelope: TxEnvelope): Uint8Array {
  const body = bodySliceOf(canonical, envelope.sig);
  return body === undefined ? txIdBytes(envelope.body) : sha256(body);
}

function txIdHexOfCanonicalEnvelope(canonical: Uint8Array, envelope: TxEnvelope): string {
  const body = bodySliceOf(canonical, envelope.sig);
  return body === undefined ? computeTxId(envelope.body) : sha256Hex(body);
}

/** The body's bytes inside an envelope's canonical JSON with this signature, or undefined when the frame is not `{"body":…,"sig":"<sig>"}`. */
function bodySliceOf(canonical: Uint8Array, sig: string): Uint8Array | undefined {
  const sigStart = canonical.length - SIG_SUFFIX.length - sig.length;
  const bodyEnd = sigStart - SIG_PREFIX.length;
  if (bodyEnd <= BODY_PREFIX.length) return undefined;
  // Byte compares without allocating: this runs for every tx a ledger reads.
  if (!bytesAt(canonical, 0, BODY_PREFIX) || !bytesAt(canonical, bodyEnd, SIG_PREFIX)) return undefined;
  if (!bytesAt(canonical, canonical.length - SIG_SUFFIX.length, SIG_SUFFIX)) return undefined;
  for (let i = 0; i < sig.length; i++) if (canonical[sigStart + i] !== sig.charCodeAt(i)) return undefined;
  return canonical.subarray(BODY_PREFIX.length, bodyEnd);
}

function bytesAt(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

function checkTxSize(size: number, maxTxBytes: number): void {
  if (size > maxTxBytes) {
    throw new ProtocolError('tx.too_large', `tx is ${size} bytes, more than the limit of ${maxTxBytes}`, {
      size,
      maxTxBytes,
    });
  }
}

/** True when `sig` is the Ed25519 signature of the txId by `publicKeyHex`; malformed keys or signatures give false. */
export function verifyEnvelopeSignature(envelope: TxEnvelope, publicKeyHex: string): boolean {
  return verifyEd25519(publicKeyHex, txIdBytes(envelope.body), envelope.sig);
}
