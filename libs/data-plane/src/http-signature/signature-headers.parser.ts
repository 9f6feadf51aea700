import { DataPlaneError } from '../errors/data-plane.errors';
import { fieldValue } from './signature-base.builder';
import { BareItem, parseSfDictionary, SfDictionaryMember, SfParameters } from './structured-field.codec';
import { ParsedSignature, ReceivedSignatureParams, SignableHeaders } from './http-signature.types';

/**
 * Reads one signature from the Signature-Input and Signature fields (RFC
 * 9421 §4). Both are RFC 8941 Dictionaries keyed by label; `label` picks
 * one, otherwise Signature-Input must hold exactly one. The member's raw
 * text is kept: the verifier rebuilds `@signature-params` from it
 * byte for byte, unknown parameters included.
 *
 * Throws `signature.missing` when either field is absent or empty,
 * `signature.malformed` on bad syntax, a parameter of the wrong type or a
 * repeated component, `signature.components` for component parameters
 * (`;sf`, `;key`, ... are not supported).
 */
export function parseSignatureHeaders(headers: SignableHeaders, label?: string): ParsedSignature {
  const inputField = fieldValue(headers, 'signature-input');
  const signatureField = fieldValue(headers, 'signature');
  if (!inputField || !signatureField) {
    throw new DataPlaneError('signature.missing', 'the request carries no Signature-Input and Signature fields');
  }
  const inputs = parseSfDictionary(inputField);
  const chosen = label ?? onlyLabel(inputs);
  const input = inputs.get(chosen);
  if (input === undefined) throw malformed(`Signature-Input has no signature labelled "${chosen}"`);
  const signature = parseSfDictionary(signatureField).get(chosen);
  if (signature === undefined) throw malformed(`Signature has no signature labelled "${chosen}"`);
  return {
    label: chosen,
    components: coveredComponents(input),
    params: receivedParams(input),
    signatureParamsValue: input.raw,
    signature: signatureBytes(signature),
  };
}

function onlyLabel(inputs: ReadonlyMap<string, SfDictionaryMember>): string {
  const labels = [...inputs.keys()];
  if (labels.length !== 1) throw malformed(`Signature-Input holds ${labels.length} signatures; expected exactly one`);
  return labels[0] as string;
}

function coveredComponents(member: SfDictionaryMember): string[] {
  if (member.value.kind !== 'inner-list') throw malformed('a Signature-Input member must be an inner list');
  const components: string[] = [];
  for (const item of member.value.items) {
    if (item.value.type !== 'string') throw malformed('a covered component must be a string');
    const name = item.value.value;
    if (item.params.size > 0) {
      throw new DataPlaneError('signature.components', `component parameters are not supported ("${name}")`, {
        component: name,
      });
    }
    if (name === '@signature-params') throw malformed('"@signature-params" cannot be a covered component');
    if (components.includes(name)) throw malformed(`component "${name}" is covered twice`);
    components.push(name);
  }
  return components;
}

/** RFC 9421 §2.3 parameters with their types checked; unknown ones are skipped (they stay in the raw value). */
function receivedParams(member: SfDictionaryMember): ReceivedSignatureParams {
  const params = member.value.params;
  return {
    created: integerParam(params, 'created'),
    expires: integerParam(params, 'expires'),
    nonce: stringParam(params, 'nonce'),
    keyId: stringParam(params, 'keyid'),
    alg: stringParam(params, 'alg'),
    tag: stringParam(params, 'tag'),
  };
}

function integerParam(params: SfParameters, name: string): number | undefined {
  const item = params.get(name);
  if (item === undefined) return undefined;
  if (item.type !== 'integer') throw wrongType(name, 'an integer', item);
  return item.value;
}

function stringParam(params: SfParameters, name: string): string | undefined {
  const item = params.get(name);
  if (item === undefined) return undefined;
  if (item.type !== 'string') throw wrongType(name, 'a string', item);
  return item.value;
}

function signatureBytes(member: SfDictionaryMember): Uint8Array {
  if (member.value.kind !== 'item' || member.value.value.type !== 'binary') {
    throw malformed('a Signature member must be a byte sequence');
  }
  return member.value.value.value;
}

function wrongType(name: string, expected: string, item: BareItem): DataPlaneError {
  return malformed(`signature parameter "${name}" must be ${expected}, got a ${item.type}`);
}

function malformed(message: string): DataPlaneError {
  return new DataPlaneError('signature.malformed', message);
}
