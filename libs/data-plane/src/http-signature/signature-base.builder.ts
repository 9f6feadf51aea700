import { DataPlaneError } from '../errors/data-plane.errors';
import { serializeSfInteger, serializeSfString } from './structured-field.codec';
import { SignableHeaders, SignableRequest, SignatureParams } from './http-signature.types';

/** The only algorithm Accord signs and accepts (RFC 9421 §3.3.6). */
export const SIGNATURE_ALGORITHM = 'ed25519';

const SIGNATURE_PARAMS_COMPONENT = '@signature-params';
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
// A value in the base must not break its line: printable ASCII and HTAB only.
const BASE_SAFE = /^[\x20-\x7e\t]*$/;

/**
 * The `@signature-params` value (RFC 9421 §2.3) of an Accord signature:
 * the covered components as an Inner List of Strings, then created,
 * expires, nonce, keyid, alg and tag, in that order.
 */
export function signatureParamsValue(components: readonly string[], params: SignatureParams): string {
  const list = `(${components.map(serializeSfString).join(' ')})`;
  return (
    `${list};created=${serializeSfInteger(params.created)};expires=${serializeSfInteger(params.expires)}` +
    `;nonce=${serializeSfString(params.nonce)};keyid=${serializeSfString(params.keyId)}` +
    `;alg=${serializeSfString(SIGNATURE_ALGORITHM)};tag=${serializeSfString(params.tag)}`
  );
}

/**
 * The signature base of RFC 9421 §2.5: one `"<component>": <value>` line per
 * covered component, then the `"@signature-params"` line, joined by "\n"
 * with no trailing newline. `params` is either our parameters or, to
 * rebuild the base of a received signature, its Signature-Input member
 * exactly as received (which must list the same `components`).
 *
 * Throws `signature.components` when a component is unsupported or absent
 * from the request.
 */
export function signatureBase(
  request: SignableRequest,
  components: readonly string[],
  params: SignatureParams | string,
): string {
  const paramsValue = typeof params === 'string' ? params : signatureParamsValue(components, params);
  const lines = components.map((component) => `${serializeSfString(component)}: ${componentValue(request, component)}`);
  lines.push(`"${SIGNATURE_PARAMS_COMPONENT}": ${paramsValue}`);
  return lines.join('\n');
}

/** The value of one covered component: a derived component (§2.2) or an HTTP field (§2.1). */
export function componentValue(request: SignableRequest, component: string): string {
  const value = component.startsWith('@')
    ? derivedComponentValue(request, component)
    : fieldValueOf(request, component);
  if (!BASE_SAFE.test(value)) throw unusable(component, 'its value has characters a signature base cannot hold');
  return value;
}

/**
 * RFC 9421 §2.1: the field's values, each trimmed, joined by ", ".
 * Undefined when the request does not carry the field.
 */
export function fieldValue(headers: SignableHeaders, name: string): string | undefined {
  const raw = Object.prototype.hasOwnProperty.call(headers, name) ? headers[name] : undefined;
  if (raw === undefined) return undefined;
  const values = typeof raw === 'string' ? [raw] : raw;
  if (values.length === 0) return undefined;
  // Obsolete line folding (HTTP/1.1 only) becomes one space before trimming.
  return values.map((value) => value.replace(/\r?\n[ \t]+/g, ' ').trim()).join(', ');
}

function derivedComponentValue(request: SignableRequest, component: string): string {
  switch (component) {
    case '@method':
      // §2.2.1: case-sensitive and taken as is (HTTP methods in use are upper case).
      return request.method;
    case '@path':
      // §2.2.6: an empty path is "/"; percent-encoding is left as received.
      if (request.path.includes('?')) throw unusable(component, 'the path must not include the query');
      return request.path === '' ? '/' : request.path;
    case '@query':
      // §2.2.7: "?" followed by the query, "?" alone when there is none.
      return `?${request.query}`;
    case '@authority':
      return authorityOf(request);
    default:
      throw unusable(component, 'this derived component is not supported');
  }
}

/** §2.2.3: the authority with the host lower-cased (callers leave out a default port). */
function authorityOf(request: SignableRequest): string {
  const authority = request.authority ?? fieldValue(request.headers, 'host');
  if (authority === undefined || authority === '') throw unusable('@authority', 'the request has no authority');
  return authority.toLowerCase();
}

function fieldValueOf(request: SignableRequest, name: string): string {
  if (!FIELD_NAME.test(name)) throw unusable(name, 'a field component must be a lower-case field name');
  const value = fieldValue(request.headers, name);
  if (value === undefined) throw unusable(name, 'the request does not carry this field');
  return value;
}

function unusable(component: string, why: string): DataPlaneError {
  return new DataPlaneError('signature.components', `cannot cover component "${component}": ${why}`, { component });
}
