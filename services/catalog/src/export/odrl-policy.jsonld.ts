import { ACCORD_ODRL_NAMESPACE } from '@accord/rules';

/** A JSON-LD node object in the export's inline context (see dcat-catalog.builder.ts). */
export type JsonLdNode = { readonly [key: string]: unknown };

export interface PolicyIris {
  readonly dataset: string;
  readonly department: (id: string) => string;
}

/** An absolute IRI with no character an IRI may not hold (RFC 3987). */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;

/**
 * A dataset's ODRL offer (Accord's subset, docs/rules.md "Usage policies") as a
 * node in the export's inline context. The stored policy names the remote ODRL
 * context; the export never fetches it, so each ODRL term is written out as an
 * `odrl:` IRI here (what that context maps it to), `accord:` terms as
 * urn:accord:odrl: IRIs, `assigner` as the department's IRI and `target` as the
 * dataset's. The policy was validated at registration, so unknown keys do not occur;
 * they are left out rather than guessed.
 */
export function odrlPolicyNode(policy: Readonly<Record<string, unknown>>, iris: PolicyIris): JsonLdNode {
  const node: Record<string, unknown> = { '@type': 'odrl:Offer' };
  const uid = policy['uid'];
  if (typeof uid === 'string') {
    // ODRL's context maps uid to @id; a uid that is no absolute IRI would vanish from the graph, so it stays a literal.
    if (ABSOLUTE_IRI.test(uid)) node['@id'] = uid;
    else node['dct:identifier'] = uid;
  }
  Object.assign(node, parties(policy, iris));
  const permissions = Array.isArray(policy['permission']) ? policy['permission'] : [];
  node['odrl:permission'] = permissions.filter(isObject).map((permission) => rule(permission, iris));
  return node;
}

function parties(value: Readonly<Record<string, unknown>>, iris: PolicyIris): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value['assigner'] === 'string') out['odrl:assigner'] = { '@id': iris.department(value['assigner']) };
  if (typeof value['target'] === 'string') out['odrl:target'] = { '@id': iris.dataset };
  return out;
}

/** A permission or a duty: action, parties, constraints, duties. */
function rule(value: Readonly<Record<string, unknown>>, iris: PolicyIris): JsonLdNode {
  const node: Record<string, unknown> = {};
  if (typeof value['action'] === 'string') node['odrl:action'] = { '@id': termIri(value['action']) };
  Object.assign(node, parties(value, iris));
  if (Array.isArray(value['constraint']))
    node['odrl:constraint'] = value['constraint'].filter(isObject).map(constraint);
  if (Array.isArray(value['duty'])) node['odrl:duty'] = value['duty'].filter(isObject).map((d) => rule(d, iris));
  return node;
}

function constraint(value: Readonly<Record<string, unknown>>): JsonLdNode {
  const node: Record<string, unknown> = { '@type': 'odrl:Constraint' };
  const left = value['leftOperand'];
  if (typeof left === 'string') node['odrl:leftOperand'] = { '@id': termIri(left) };
  if (typeof value['operator'] === 'string') node['odrl:operator'] = { '@id': termIri(value['operator']) };
  if (value['rightOperand'] !== undefined)
    node['odrl:rightOperand'] = operand(value['rightOperand'], left === 'elapsedTime');
  if (typeof value['unit'] === 'string') node['odrl:unit'] = { '@id': termIri(value['unit']) };
  return node;
}

/** A right operand: tokens stay plain literals, integers xsd:integer, durations xsd:duration. */
function operand(value: unknown, duration: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => operand(v, duration));
  if (typeof value === 'string') return duration ? { '@value': value, '@type': 'xsd:duration' } : value;
  if (isObject(value) && typeof value['@value'] === 'string') {
    const type = value['@type'];
    return typeof type === 'string' ? { '@value': value['@value'], '@type': type } : value['@value'];
  }
  return value;
}

/** The IRI of an ODRL term as the policy's context defines it: `accord:x` in Accord's namespace, the rest ODRL's. */
function termIri(term: string): string {
  return term.startsWith('accord:') ? `${ACCORD_ODRL_NAMESPACE}${term.slice('accord:'.length)}` : `odrl:${term}`;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
