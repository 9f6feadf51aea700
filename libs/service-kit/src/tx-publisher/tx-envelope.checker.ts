import {
  canonicalBytes,
  envelopeOfCanonicalValue,
  isProtocolError,
  parseStrictJson,
  ProtocolError,
  type TxEnvelope,
} from '@accord/protocol';
import { EnvelopeRejectedError } from './tx-publisher.errors';

/** An envelope that passed the submission checks, with its log bytes (canonical JSON). */
export interface CheckedEnvelope {
  readonly bytes: Uint8Array;
  readonly envelope: TxEnvelope;
  readonly txId: string;
  readonly sig: string;
}

/**
 * The value of a JSON request body as received, read with the protocol's
 * strict rules: ProtocolError `json.*` for what the log would refuse for its
 * value (docs/ledger-service.md "Input normalisation").
 */
export function readStrictJson(body: Uint8Array | undefined): unknown {
  if (body === undefined)
    throw new ProtocolError('json.malformed', 'the body must be JSON (Content-Type: application/json)');
  // The HTTP body limit bounds the input; the tx size limit applies to the canonical bytes afterwards.
  return parseStrictJson(body, { maxBytes: body.length });
}

/**
 * The checks of POST /v1/channels/:channel/txs on an envelope, shared by the
 * ledger's submission API and the department's tx publisher
 * (docs/tx-publisher.md): its log bytes (canonical JSON) and txId, or
 * EnvelopeRejectedError (`envelope_invalid`, details.reason = the protocol
 * code: json.*, tx.too_large, tx.invalid, tx.unsupported_version,
 * tx.wrong_channel). The body is read as received with the protocol's strict
 * JSON rules, so what the log would refuse for its value (duplicate keys,
 * `1.0`, exponents, unsafe integers, a BOM, invalid UTF-8, lone surrogates)
 * is refused with the same reason instead of being re-serialised into
 * something else. Only layout is normalised (whitespace, member order,
 * escape spelling, `-0`): it does not change the value, and the txId covers
 * the body's canonical JSON either way.
 */
export function checkTxEnvelope(body: Uint8Array | undefined, channel: string, maxTxBytes: number): CheckedEnvelope {
  try {
    const value = readStrictJson(body);
    // One parse and one serialisation: the canonical bytes of the value are the log bytes, and the txId is hashed from their body slice.
    const bytes = canonicalBytes(value);
    const { txId, envelope } = envelopeOfCanonicalValue(value, bytes, { maxTxBytes, channel });
    return { bytes, envelope, txId, sig: envelope.sig };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw envelopeRejection(error);
  }
}

/** The submission API's answer to a protocol error about an envelope: envelope_invalid with the protocol code as reason. */
export function envelopeRejection(error: ProtocolError): EnvelopeRejectedError {
  const { issues, size, maxTxBytes, channel, expected } = error.details ?? {};
  const kept = Object.fromEntries(
    Object.entries({ issues, size, maxTxBytes, channel, expected }).filter(([, v]) => v !== undefined),
  );
  return new EnvelopeRejectedError(error.code, error.message, kept);
}

/** Where the department's ledger answers for exactly this envelope (GET; add &waitMs=N to long-poll for the commit). */
export function txStatusUrl(txId: string, sig: string): string {
  return `/v1/txs/${txId}?sig=${sig}`;
}
