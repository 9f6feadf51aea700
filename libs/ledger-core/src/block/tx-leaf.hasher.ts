import { hashLeaf, ValidityCode } from '@accord/protocol';

// JCS({envelope, code}) sorts "code" before "envelope", and a parsed record's
// bytes already are JCS(envelope) (parseEnvelope insists on canonical form),
// so the leaf is assembled from the record bytes instead of re-serialising.
const ENVELOPE_PREFIX = new Map<string, Buffer>();
const SUFFIX = Buffer.from('}');

function prefixFor(code: ValidityCode): Buffer {
  let prefix = ENVELOPE_PREFIX.get(code);
  if (prefix === undefined) {
    prefix = Buffer.from(`{"code":"${code}","envelope":`);
    ENVELOPE_PREFIX.set(code, prefix);
  }
  return prefix;
}

/** RFC 6962 leaf hash of `{envelope, code}`, given the envelope's canonical bytes. */
export function envelopeLeafHash(canonicalEnvelope: Uint8Array, code: ValidityCode): Uint8Array {
  const prefix = prefixFor(code);
  const data = Buffer.allocUnsafe(prefix.length + canonicalEnvelope.length + 1);
  prefix.copy(data, 0);
  data.set(canonicalEnvelope, prefix.length);
  SUFFIX.copy(data, prefix.length + canonicalEnvelope.length);
  return hashLeaf(data);
}

/** RFC 6962 leaf hash of `{raw, code}`. */
export function rawLeafHash(rawHex: string, code: ValidityCode): Uint8Array {
  return hashLeaf(Buffer.from(`{"code":"${code}","raw":"${rawHex}"}`));
}
