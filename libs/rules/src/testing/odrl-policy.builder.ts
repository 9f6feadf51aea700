import { JsonObject } from '@accord/protocol';
import { ACCORD_ODRL_NAMESPACE, ODRL_CONTEXT } from '../policy/odrl-policy.parser';

export interface PolicyOptions {
  readonly purposes?: readonly string[];
  /** xsd:duration, e.g. "P30D". */
  readonly maxDuration?: string;
  readonly maxAccesses?: number;
  readonly minLevel?: number;
  readonly consent?: boolean;
  readonly compensation?: number;
}

/** An access policy in Accord's ODRL subset with the given terms (no terms: anyone, any purpose). */
export function odrlPolicy(options: PolicyOptions = {}): JsonObject {
  const constraint: JsonObject[] = [];
  if (options.purposes !== undefined)
    constraint.push({ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [...options.purposes] });
  if (options.maxDuration !== undefined)
    constraint.push({ leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: options.maxDuration });
  if (options.maxAccesses !== undefined)
    constraint.push({ leftOperand: 'count', operator: 'lteq', rightOperand: options.maxAccesses });
  if (options.minLevel !== undefined)
    constraint.push({ leftOperand: 'accord:level', operator: 'gteq', rightOperand: options.minLevel });
  const duty: JsonObject[] = [];
  if (options.consent === true) duty.push({ action: 'obtainConsent' });
  if (options.compensation !== undefined) {
    duty.push({
      action: 'compensate',
      constraint: [
        { leftOperand: 'payAmount', operator: 'eq', rightOperand: options.compensation, unit: 'accord:points' },
      ],
    });
  }
  const accord = options.minLevel !== undefined || options.compensation !== undefined;
  const permission: JsonObject = {
    action: 'use',
    ...(constraint.length > 0 ? { constraint } : {}),
    ...(duty.length > 0 ? { duty } : {}),
  };
  return {
    '@context': accord ? [ODRL_CONTEXT, { accord: ACCORD_ODRL_NAMESPACE }] : ODRL_CONTEXT,
    '@type': 'Offer',
    permission: [permission],
  };
}
