import { Ed25519Signer, ed25519Signer, verifyEd25519 } from '../crypto/ed25519.crypto';
import { sha256 } from '../crypto/sha256.crypto';
import { canonicalBytes } from '../json/canonical-json.codec';
import { DEFAULT_MAX_JSON_BYTES, parseCanonicalJson } from '../json/canonical-json.parser';
import { parseWithSchema } from '../schema/protocol.schema';
import { Attestation, AttestationBody, attestationBodySchema, attestationSchema } from './attestation.schema';

/** SHA-256 of the body's canonical JSON: the 32 bytes the attester signs. */
export function attestationDigest(body: AttestationBody): Uint8Array {
  return sha256(canonicalBytes(body));
}

/** Validates the body (`attestation.invalid`) and signs it. */
export function signAttestation(body: AttestationBody, key: Ed25519Signer | string): Attestation {
  const checked = parseWithSchema(attestationBodySchema, body, 'attestation.invalid', 'attestation body');
  const signer = typeof key === 'string' ? ed25519Signer(key) : key;
  return { body: checked, sig: signer.sign(attestationDigest(checked)) };
}

/** The bytes published on `accord.<channel>.attest`. */
export function encodeAttestation(attestation: Attestation): Uint8Array {
  return canonicalBytes(attestation);
}

/** Parses an attestation as read from the bus: canonical JSON (`json.*`), then shape (`attestation.invalid`). */
export function parseAttestation(bytes: Uint8Array | string, maxBytes = DEFAULT_MAX_JSON_BYTES): Attestation {
  return validateAttestation(parseCanonicalJson(bytes, { maxBytes }));
}

/** Validates the shape of an already parsed value (`attestation.invalid`). */
export function validateAttestation(value: unknown): Attestation {
  return parseWithSchema(attestationSchema, value, 'attestation.invalid', 'attestation');
}

/** True when the signature is valid for `publicKeyHex`; malformed keys or signatures give false. */
export function verifyAttestation(attestation: Attestation, publicKeyHex: string): boolean {
  return verifyEd25519(publicKeyHex, attestationDigest(attestation.body), attestation.sig);
}
