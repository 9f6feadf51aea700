import {
  attestationSchema,
  isProtocolError,
  parseAttestation,
  type Attestation,
  type AttestationBody,
} from '@accord/protocol';
import type { DecodeResult } from '../decoding/event.decoder';

/**
 * Records of attestTopic(channel): a member's signed attestation of a block
 * hash (`kind: block`, by its ledger) or of its rule-state digest after a
 * block (`kind: state`, by its contracts service). The shape is protocol
 * (DESIGN.md "Protocol": a verifier must reproduce it byte for byte), so the
 * schema lives in libs/protocol and is re-exported here; its version is
 * `body.v` (1). The bytes are JCS; consumers refuse anything else.
 */
export const attestationEventSchema = attestationSchema;
export type AttestationEvent = Attestation;
export type { AttestationBody };

/** An attestation record's value: canonical JSON, then the schema; never throws for bad input. */
export function decodeAttestationEvent(value: Uint8Array): DecodeResult<AttestationEvent> {
  try {
    return { ok: true, event: parseAttestation(value) };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    const code = error.code === 'json.malformed' ? 'event_not_json' : 'event_invalid';
    return { ok: false, failure: { code, message: `invalid attestation: ${error.message}` } };
  }
}
