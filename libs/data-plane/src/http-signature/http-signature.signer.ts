import { signEd25519 } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';
import { fieldValue, signatureBase, signatureParamsValue } from './signature-base.builder';
import { SignableRequest, SignatureParams } from './http-signature.types';

/** The `tag` of every transfer request signature (RFC 9421 §2.3): a signature made for anything else is refused. */
export const TRANSFER_SIGNATURE_TAG = 'accord-transfer';
/** The Signature-Input / Signature label our gateways use. */
export const TRANSFER_SIGNATURE_LABEL = 'sig1';
/** The field carrying the grant the transfer is made under. */
export const ACCORD_GRANT_HEADER = 'accord-grant';
/** Components every transfer request signature covers, in this order. */
export const TRANSFER_COVERED_COMPONENTS = ['@method', '@path', '@query', ACCORD_GRANT_HEADER] as const;

/** The two fields to add to a signed request (lower-case names). */
export interface SignatureHeaders {
  readonly 'signature-input': string;
  readonly signature: string;
}

/** What a transfer signature covers: the fixed components, then `range` when the request has a Range field. */
export function transferComponents(request: SignableRequest): string[] {
  const components: string[] = [...TRANSFER_COVERED_COMPONENTS];
  if (fieldValue(request.headers, 'range') !== undefined) components.push('range');
  return components;
}

/**
 * Signs a transfer request with the department's Ed25519 key (hex seed):
 * `Signature-Input: sig1=(...);created=..;expires=..;nonce=..;keyid=..;alg="ed25519";tag=..`
 * and `Signature: sig1=:<base64>:`.
 *
 * Throws `signature.invalid_argument` for parameters that cannot be sent
 * (non-integer times, `expires` not after `created`, empty or non-ASCII
 * strings) or a request without an Accord-Grant field.
 */
export function signRequest(
  request: SignableRequest,
  params: SignatureParams,
  privateKeyHex: string,
): SignatureHeaders {
  assertSignable(request, params);
  const components = transferComponents(request);
  const paramsValue = signatureParamsValue(components, params);
  const base = signatureBase(request, components, paramsValue);
  const signature = Buffer.from(signEd25519(privateKeyHex, Buffer.from(base, 'ascii')), 'hex').toString('base64');
  return {
    'signature-input': `${TRANSFER_SIGNATURE_LABEL}=${paramsValue}`,
    signature: `${TRANSFER_SIGNATURE_LABEL}=:${signature}:`,
  };
}

function assertSignable(request: SignableRequest, params: SignatureParams): void {
  if (fieldValue(request.headers, ACCORD_GRANT_HEADER) === undefined) {
    throw invalid('a transfer request must carry an Accord-Grant field');
  }
  if (!Number.isSafeInteger(params.created) || !Number.isSafeInteger(params.expires)) {
    throw invalid('created and expires must be integer seconds');
  }
  if (params.expires <= params.created) throw invalid('expires must be after created');
  for (const [name, value] of [
    ['nonce', params.nonce],
    ['keyId', params.keyId],
    ['tag', params.tag],
  ] as const) {
    if (value === '') throw invalid(`${name} must not be empty`);
  }
}

function invalid(message: string): DataPlaneError {
  return new DataPlaneError('signature.invalid_argument', message);
}
