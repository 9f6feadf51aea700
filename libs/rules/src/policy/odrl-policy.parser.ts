import { isPlainObject, memberIdSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { describeIssues, Issue, tokenSchema } from '../common/rules-ids.schema';
import { parseIsoDurationMs } from './iso-duration.parser';
import { UsageTerms } from './usage-terms.schema';

export const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
/** Namespace of Accord's two ODRL extension terms, `accord:level` and `accord:points`. */
export const ACCORD_ODRL_NAMESPACE = 'urn:accord:odrl:';

/** Left operands the subset understands, each with the operators it allows. */
export const ODRL_OPERATORS = {
  purpose: ['isAnyOf', 'eq'],
  elapsedTime: ['lteq'],
  count: ['lteq'],
  'accord:level': ['gteq'],
} as const;
export type OdrlLeftOperand = keyof typeof ODRL_OPERATORS;

const MAX_PURPOSES = 64;
const purposeListSchema = z.array(tokenSchema).min(1).max(MAX_PURPOSES);
const positiveIntSchema = z.int().min(1);

export interface OdrlContext {
  /** The dataset's owner: the policy's assigner, if it names one, must be this member. */
  readonly owner: string;
  /** The dataset id: the policy's target, if it names one, must be this. */
  readonly dataset: string;
}

export type OdrlParseResult =
  | { readonly ok: true; readonly terms: UsageTerms }
  | { readonly ok: false; readonly issues: readonly Issue[]; readonly message: string };

/**
 * Validates a dataset's access policy against Accord's ODRL subset and maps
 * it to UsageTerms. Anything outside the subset (unknown keys, operands,
 * operators, actions, prohibitions, several permissions) is an issue: a
 * policy is evaluated exactly as written or not accepted at all.
 */
export function parseOdrlPolicy(policy: unknown, context: OdrlContext): OdrlParseResult {
  const parser = new OdrlParser(context);
  const terms = parser.policy(policy);
  if (parser.issues.length > 0 || terms === undefined) {
    const issues = parser.issues.length > 0 ? parser.issues : [{ path: '(root)', message: 'invalid policy' }];
    return { ok: false, issues, message: `invalid access policy: ${describeIssues(issues)}` };
  }
  return { ok: true, terms };
}

type Draft = { -readonly [K in keyof UsageTerms]: UsageTerms[K] };

class OdrlParser {
  readonly issues: Issue[] = [];
  private usesAccordTerms = false;
  private contextDeclaresAccord = false;

  constructor(private readonly context: OdrlContext) {}

  policy(value: unknown): UsageTerms | undefined {
    if (!isPlainObject(value)) {
      this.issue('(root)', 'must be an object');
      return undefined;
    }
    // Key issues at the top do not stop the walk, so one answer lists everything wrong.
    this.object(
      value,
      '(root)',
      ['@context', '@type', 'uid', 'assigner', 'target', 'permission'],
      ['@context', '@type', 'permission'],
    );
    if (value['@context'] !== undefined) this.contextValue(value['@context']);
    if (value['@type'] !== undefined && value['@type'] !== 'Offer') this.issue('@type', 'must be "Offer"');
    if (
      value['uid'] !== undefined &&
      (typeof value['uid'] !== 'string' || value['uid'].length === 0 || value['uid'].length > 256)
    ) {
      this.issue('uid', 'must be a non-empty string of at most 256 characters');
    }
    this.assigner(value['assigner'], 'assigner');
    this.target(value['target'], 'target');
    const permissions = value['permission'];
    if (permissions === undefined) return undefined;
    if (!Array.isArray(permissions) || permissions.length !== 1) {
      this.issue('permission', 'must be an array with exactly one permission');
      return undefined;
    }
    const terms = this.permission(permissions[0], 'permission.0');
    if (this.usesAccordTerms && !this.contextDeclaresAccord) {
      this.issue(
        '@context',
        `accord: terms need the context [${JSON.stringify(ODRL_CONTEXT)}, {"accord": ${JSON.stringify(ACCORD_ODRL_NAMESPACE)}}]`,
      );
    }
    return terms;
  }

  private contextValue(value: unknown): void {
    if (value === ODRL_CONTEXT) return;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value[0] === ODRL_CONTEXT &&
      isPlainObject(value[1]) &&
      Object.keys(value[1]).length === 1 &&
      value[1]['accord'] === ACCORD_ODRL_NAMESPACE
    ) {
      this.contextDeclaresAccord = true;
      return;
    }
    this.issue(
      '@context',
      `must be ${JSON.stringify(ODRL_CONTEXT)} or [${JSON.stringify(ODRL_CONTEXT)}, {"accord": ${JSON.stringify(ACCORD_ODRL_NAMESPACE)}}]`,
    );
  }

  private assigner(value: unknown, path: string): void {
    if (value === undefined) return;
    if (!memberIdSchema.safeParse(value).success || value !== this.context.owner)
      this.issue(path, `must be the dataset's owner ${this.context.owner}`);
  }

  private target(value: unknown, path: string): void {
    if (value === undefined) return;
    if (value !== this.context.dataset) this.issue(path, `must be the dataset id ${this.context.dataset}`);
  }

  private permission(value: unknown, path: string): UsageTerms | undefined {
    if (!this.object(value, path, ['action', 'target', 'assigner', 'constraint', 'duty'], ['action'])) return undefined;
    if (value['action'] !== 'use') this.issue(`${path}.action`, 'must be "use" (the only action of the subset)');
    this.target(value['target'], `${path}.target`);
    this.assigner(value['assigner'], `${path}.assigner`);
    const terms: Draft = {
      minLevel: 0,
      purposes: null,
      consentRequired: false,
      maxDurationMs: null,
      maxAccesses: null,
      compensation: 0,
    };
    const constraints = this.list(value['constraint'], `${path}.constraint`);
    const seen = new Set<string>();
    constraints.forEach((constraint, i) => this.constraint(constraint, `${path}.constraint.${i}`, terms, seen));
    const duties = this.list(value['duty'], `${path}.duty`);
    const seenDuties = new Set<string>();
    duties.forEach((duty, i) => this.duty(duty, `${path}.duty.${i}`, terms, seenDuties));
    return terms;
  }

  private constraint(value: unknown, path: string, terms: Draft, seen: Set<string>): void {
    if (
      !this.object(
        value,
        path,
        ['leftOperand', 'operator', 'rightOperand'],
        ['leftOperand', 'operator', 'rightOperand'],
      )
    )
      return;
    const { leftOperand, operator, rightOperand } = value;
    if (typeof leftOperand !== 'string' || !Object.hasOwn(ODRL_OPERATORS, leftOperand)) {
      this.issue(
        `${path}.leftOperand`,
        `unsupported leftOperand ${JSON.stringify(leftOperand)} (supported: ${Object.keys(ODRL_OPERATORS).join(', ')})`,
      );
      return;
    }
    const operand = leftOperand as OdrlLeftOperand;
    const operators: readonly string[] = ODRL_OPERATORS[operand];
    if (typeof operator !== 'string' || !operators.includes(operator)) {
      this.issue(
        `${path}.operator`,
        `unsupported operator ${JSON.stringify(operator)} for ${operand} (supported: ${operators.join(', ')})`,
      );
      return;
    }
    if (seen.has(operand)) {
      this.issue(`${path}.leftOperand`, `${operand} is constrained twice`);
      return;
    }
    seen.add(operand);
    switch (operand) {
      case 'purpose': {
        const list = operator === 'eq' ? [rightOperand] : rightOperand;
        const parsed = purposeListSchema.safeParse(list);
        if (!parsed.success) {
          this.issue(
            `${path}.rightOperand`,
            operator === 'eq' ? 'must be a purpose token' : `must be 1 to ${MAX_PURPOSES} purpose tokens`,
          );
          return;
        }
        const unique = [...new Set(parsed.data)].sort();
        if (unique.length !== parsed.data.length) this.issue(`${path}.rightOperand`, 'purposes must not repeat');
        terms.purposes = unique;
        return;
      }
      case 'elapsedTime': {
        const text = isPlainObject(rightOperand)
          ? this.typedLiteral(rightOperand, `${path}.rightOperand`, 'xsd:duration')
          : rightOperand;
        const ms = typeof text === 'string' ? parseIsoDurationMs(text) : undefined;
        if (ms === undefined || ms === 0) {
          this.issue(
            `${path}.rightOperand`,
            'must be a positive xsd:duration in weeks, days, hours, minutes and whole seconds, e.g. "P30D"',
          );
          return;
        }
        terms.maxDurationMs = ms;
        return;
      }
      case 'count': {
        const parsed = positiveIntSchema.safeParse(rightOperand);
        if (!parsed.success) {
          this.issue(`${path}.rightOperand`, 'must be a positive integer');
          return;
        }
        terms.maxAccesses = parsed.data;
        return;
      }
      case 'accord:level': {
        this.usesAccordTerms = true;
        const parsed = uintSchema.safeParse(rightOperand);
        if (!parsed.success) {
          this.issue(`${path}.rightOperand`, 'must be a non-negative integer');
          return;
        }
        terms.minLevel = parsed.data;
        return;
      }
      default: {
        const unreachable: never = operand;
        throw new Error(`unhandled operand ${String(unreachable)}`);
      }
    }
  }

  private duty(value: unknown, path: string, terms: Draft, seen: Set<string>): void {
    if (!isPlainObject(value)) {
      this.issue(path, 'must be an object');
      return;
    }
    const action = value['action'];
    if (action !== 'obtainConsent' && action !== 'compensate') {
      this.issue(`${path}.action`, `unsupported duty ${JSON.stringify(action)} (supported: obtainConsent, compensate)`);
      return;
    }
    if (seen.has(action)) {
      this.issue(`${path}.action`, `duty ${action} appears twice`);
      return;
    }
    seen.add(action);
    if (action === 'obtainConsent') {
      if (this.object(value, path, ['action'], ['action'])) terms.consentRequired = true;
      return;
    }
    if (!this.object(value, path, ['action', 'constraint'], ['action', 'constraint'])) return;
    const constraints = value['constraint'];
    if (!Array.isArray(constraints) || constraints.length !== 1) {
      this.issue(`${path}.constraint`, 'must hold exactly one payAmount constraint');
      return;
    }
    const cpath = `${path}.constraint.0`;
    const c: unknown = constraints[0];
    if (
      !this.object(
        c,
        cpath,
        ['leftOperand', 'operator', 'rightOperand', 'unit'],
        ['leftOperand', 'operator', 'rightOperand', 'unit'],
      )
    )
      return;
    if (c['leftOperand'] !== 'payAmount') this.issue(`${cpath}.leftOperand`, 'must be "payAmount"');
    if (c['operator'] !== 'eq') this.issue(`${cpath}.operator`, 'must be "eq"');
    if (c['unit'] !== 'accord:points') this.issue(`${cpath}.unit`, 'must be "accord:points"');
    this.usesAccordTerms = true;
    const amount = uintSchema.safeParse(c['rightOperand']);
    if (!amount.success) {
      this.issue(`${cpath}.rightOperand`, 'must be a non-negative integer number of points');
      return;
    }
    terms.compensation = amount.data;
  }

  /** `{"@value": "...", "@type": type}`; returns the value, or undefined after recording an issue. */
  private typedLiteral(value: Record<string, unknown>, path: string, type: string): unknown {
    if (!this.object(value, path, ['@value', '@type'], ['@value', '@type'])) return undefined;
    if (value['@type'] !== type) {
      this.issue(`${path}.@type`, `must be "${type}"`);
      return undefined;
    }
    return value['@value'];
  }

  private list(value: unknown, path: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length > 16) {
      this.issue(path, 'must be an array of at most 16 entries');
      return [];
    }
    return value;
  }

  private object(
    value: unknown,
    path: string,
    allowed: readonly string[],
    required: readonly string[],
  ): value is Record<string, unknown> {
    if (!isPlainObject(value)) {
      this.issue(path, 'must be an object');
      return false;
    }
    let ok = true;
    for (const key of Object.keys(value).sort()) {
      if (!allowed.includes(key)) {
        this.issue(path === '(root)' ? key : `${path}.${key}`, `unsupported key (allowed: ${allowed.join(', ')})`);
        ok = false;
      }
    }
    for (const key of required) {
      if (value[key] === undefined) {
        this.issue(path === '(root)' ? key : `${path}.${key}`, 'is required');
        ok = false;
      }
    }
    return ok;
  }

  private issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}
