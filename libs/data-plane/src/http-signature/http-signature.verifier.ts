import { toHex, verifyEd25519 } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';
import { fieldValue, SIGNATURE_ALGORITHM, signatureBase } from './signature-base.builder';
import { parseSignatureHeaders } from './signature-headers.parser';
import { ParsedSignature, SignableRequest, VerifiedSignature, VerifySignatureOptions } from './http-signature.types';

/** How far `created` may lie in the future: the two gateways' clocks differ a little. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/**
 * Verifies the RFC 9421 signature of a transfer request and returns who
 * signed it and its validity window. Checks, in order:
 * 1. the fields parse (`signature.missing`, `signature.malformed`);
 * 2. every required component is covered, and `range` whenever the request
 *    has a Range field (`signature.components`);
 * 3. `alg`, if present, is "ed25519" and `tag` equals `options.tag`
 *    (`signature.invalid`); created, keyid and nonce are present
 *    (`signature.malformed`);
 * 4. created is at most MAX_CLOCK_SKEW_SECONDS ahead of `now` and at most
 *    `maxAgeSeconds` behind it, expires is present, after created and after
 *    `now`, and `expires - created` is within `maxValiditySeconds`
 *    (`signature.expired`);
 * 5. the keyid names a known key (`signature.unknown_key`);
 * 6. the Ed25519 signature over the rebuilt base verifies (`signature.invalid`).
 *
 * Replay is NOT checked here: the caller keeps the (keyId, nonce) pairs it
 * has accepted until their `expires` and refuses a pair seen again.
 */
export function verifyRequestSignature(request: SignableRequest, options: VerifySignatureOptions): VerifiedSignature {
  const parsed = parseSignatureHeaders(request.headers, options.label);
  assertCoverage(request, parsed, options.requiredComponents);
  const { alg, tag, created, expires, keyId, nonce } = parsed.params;
  if (alg !== undefined && alg !== SIGNATURE_ALGORITHM) throw invalid(`algorithm "${alg}" is not accepted`);
  if (tag !== options.tag) throw invalid(`signature tag ${JSON.stringify(tag)} is not "${options.tag}"`);
  if (created === undefined || keyId === undefined || nonce === undefined) {
    throw new DataPlaneError('signature.malformed', 'the signature lacks one of created, keyid and nonce');
  }
  const window = assertTimely(created, expires, options);
  const publicKey = options.publicKeyOf(keyId);
  if (publicKey === undefined) {
    throw new DataPlaneError('signature.unknown_key', `no public key for keyid "${keyId}"`, { keyId });
  }
  const base = signatureBase(request, parsed.components, parsed.signatureParamsValue);
  if (!verifyEd25519(publicKey, Buffer.from(base, 'ascii'), toHex(parsed.signature))) {
    throw invalid('the signature does not verify');
  }
  return { keyId, created, expires: window, nonce };
}

function assertCoverage(request: SignableRequest, parsed: ParsedSignature, required: readonly string[]): void {
  const needed = fieldValue(request.headers, 'range') === undefined ? required : [...required, 'range'];
  const missing = needed.filter((component) => !parsed.components.includes(component));
  if (missing.length > 0) {
    throw new DataPlaneError('signature.components', `the signature does not cover ${missing.join(', ')}`, {
      missing,
    });
  }
}

/** Returns `expires` once the window checks pass. */
function assertTimely(created: number, expires: number | undefined, options: VerifySignatureOptions): number {
  const { now, maxAgeSeconds, maxValiditySeconds } = options;
  if (created > now + MAX_CLOCK_SKEW_SECONDS) throw expired(`created ${created} lies in the future (now ${now})`);
  if (now - created > maxAgeSeconds) throw expired(`created ${created} is older than ${maxAgeSeconds} s (now ${now})`);
  if (expires === undefined) throw expired('the signature has no expires parameter');
  if (expires <= created) throw expired('expires is not after created');
  if (expires <= now) throw expired(`the signature expired at ${expires} (now ${now})`);
  if (maxValiditySeconds !== undefined && expires - created > maxValiditySeconds) {
    throw expired(`the signature is valid for ${expires - created} s, more than ${maxValiditySeconds} s`);
  }
  return expires;
}

function expired(message: string): DataPlaneError {
  return new DataPlaneError('signature.expired', message);
}

function invalid(message: string): DataPlaneError {
  return new DataPlaneError('signature.invalid', message);
}
