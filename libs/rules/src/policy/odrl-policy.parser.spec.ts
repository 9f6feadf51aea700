import { ACCORD_ODRL_NAMESPACE, ODRL_CONTEXT, OdrlParseResult, parseOdrlPolicy } from './odrl-policy.parser';
import { parseIsoDurationMs } from './iso-duration.parser';

const ctx = { owner: 'dept-a', dataset: 'dept-a/traffic' };
const ACCORD_CONTEXT = [ODRL_CONTEXT, { accord: ACCORD_ODRL_NAMESPACE }];

function issuesOf(result: OdrlParseResult): { path: string; message: string }[] {
  if (result.ok) throw new Error('expected the policy to be rejected');
  return [...result.issues];
}

function offer(permission: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { '@context': ACCORD_CONTEXT, '@type': 'Offer', permission: [permission], ...extra };
}

describe('parseOdrlPolicy: the mapping to usage terms', () => {
  it('maps a policy with every supported term (the docs/rules.md example)', () => {
    const policy = {
      '@context': ACCORD_CONTEXT,
      '@type': 'Offer',
      uid: 'urn:accord:policy:dept-a/traffic:1',
      assigner: 'dept-a',
      target: 'dept-a/traffic',
      permission: [
        {
          action: 'use',
          target: 'dept-a/traffic',
          assigner: 'dept-a',
          constraint: [
            { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['statistics', 'planning'] },
            {
              leftOperand: 'elapsedTime',
              operator: 'lteq',
              rightOperand: { '@value': 'P30D', '@type': 'xsd:duration' },
            },
            { leftOperand: 'count', operator: 'lteq', rightOperand: 10 },
            { leftOperand: 'accord:level', operator: 'gteq', rightOperand: 1 },
          ],
          duty: [
            { action: 'obtainConsent' },
            {
              action: 'compensate',
              constraint: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: 7, unit: 'accord:points' }],
            },
          ],
        },
      ],
    };
    expect(parseOdrlPolicy(policy, ctx)).toEqual({
      ok: true,
      terms: {
        minLevel: 1,
        purposes: ['planning', 'statistics'],
        consentRequired: true,
        maxDurationMs: 30 * 86_400_000,
        maxAccesses: 10,
        compensation: 7,
      },
    });
  });

  it('maps the smallest policy (plain ODRL context, no constraints) to "anyone at level 0, any purpose, free"', () => {
    expect(
      parseOdrlPolicy({ '@context': ODRL_CONTEXT, '@type': 'Offer', permission: [{ action: 'use' }] }, ctx),
    ).toEqual({
      ok: true,
      terms: {
        minLevel: 0,
        purposes: null,
        consentRequired: false,
        maxDurationMs: null,
        maxAccesses: null,
        compensation: 0,
      },
    });
  });

  it('accepts purpose eq and a plain duration string', () => {
    const result = parseOdrlPolicy(
      offer({
        action: 'use',
        constraint: [
          { leftOperand: 'purpose', operator: 'eq', rightOperand: 'statistics' },
          { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: 'PT12H' },
        ],
      }),
      ctx,
    );
    expect(result).toMatchObject({ ok: true, terms: { purposes: ['statistics'], maxDurationMs: 12 * 3_600_000 } });
  });
});

describe('parseOdrlPolicy: strict validation', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['not an object', 'use', '(root)', /must be an object/],
    ['an unknown top-level key', { ...offer({ action: 'use' }), prohibition: [] }, 'prohibition', /unsupported key/],
    ['a Set instead of an Offer', { ...offer({ action: 'use' }), '@type': 'Set' }, '@type', /Offer/],
    ['another context', { ...offer({ action: 'use' }), '@context': 'https://schema.org' }, '@context', /must be/],
    [
      'two permissions',
      { ...offer({ action: 'use' }), permission: [{ action: 'use' }, { action: 'use' }] },
      'permission',
      /exactly one/,
    ],
    ['no permission', { '@context': ODRL_CONTEXT, '@type': 'Offer' }, 'permission', /required/],
    ['another action', offer({ action: 'distribute' }), 'permission.0.action', /"use"/],
    ['another assigner', offer({ action: 'use' }, { assigner: 'dept-b' }), 'assigner', /owner dept-a/],
    ['another target', offer({ action: 'use', target: 'dept-a/other' }), 'permission.0.target', /dept-a\/traffic/],
    ['an empty uid', offer({ action: 'use' }, { uid: '' }), 'uid', /non-empty/],
  ])('rejects %s', (_label, policy, path, message) => {
    const issues = issuesOf(parseOdrlPolicy(policy, ctx));
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'an unknown leftOperand',
      { leftOperand: 'spatial', operator: 'eq', rightOperand: 'x' },
      'leftOperand',
      /unsupported leftOperand "spatial"/,
    ],
    [
      'an operator the operand does not allow',
      { leftOperand: 'count', operator: 'gt', rightOperand: 3 },
      'operator',
      /unsupported operator "gt" for count/,
    ],
    ['a zero count', { leftOperand: 'count', operator: 'lteq', rightOperand: 0 }, 'rightOperand', /positive integer/],
    [
      'a fractional count',
      { leftOperand: 'count', operator: 'lteq', rightOperand: 1.5 },
      'rightOperand',
      /positive integer/,
    ],
    [
      'a month duration',
      { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: 'P1M' },
      'rightOperand',
      /xsd:duration/,
    ],
    [
      'a zero duration',
      { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: 'PT0S' },
      'rightOperand',
      /positive/,
    ],
    [
      'a duration typed otherwise',
      { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: { '@value': 'P1D', '@type': 'xsd:string' } },
      'rightOperand.@type',
      /xsd:duration/,
    ],
    [
      'an empty purpose list',
      { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [] },
      'rightOperand',
      /purpose tokens/,
    ],
    [
      'a purpose that is not a token',
      { leftOperand: 'purpose', operator: 'eq', rightOperand: 'Statistics!' },
      'rightOperand',
      /purpose token/,
    ],
    [
      'repeated purposes',
      { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['a', 'a'] },
      'rightOperand',
      /repeat/,
    ],
    [
      'a negative level',
      { leftOperand: 'accord:level', operator: 'gteq', rightOperand: -1 },
      'rightOperand',
      /non-negative/,
    ],
    ['an extra key', { leftOperand: 'count', operator: 'lteq', rightOperand: 3, unit: 'x' }, 'unit', /unsupported key/],
  ])('rejects a constraint with %s', (_label, constraint, path, message) => {
    const issues = issuesOf(parseOdrlPolicy(offer({ action: 'use', constraint: [constraint] }), ctx));
    expect(issues).toContainEqual({
      path: `permission.0.constraint.0.${path}`,
      message: expect.stringMatching(message),
    });
  });

  it('rejects a constraint given twice', () => {
    const c = { leftOperand: 'count', operator: 'lteq', rightOperand: 3 };
    expect(issuesOf(parseOdrlPolicy(offer({ action: 'use', constraint: [c, c] }), ctx))).toEqual([
      { path: 'permission.0.constraint.1.leftOperand', message: 'count is constrained twice' },
    ]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['an unknown duty', { action: 'attribute' }, 'action', /unsupported duty "attribute"/],
    [
      'obtainConsent with extra keys',
      { action: 'obtainConsent', consentingParty: 'x' },
      'consentingParty',
      /unsupported key/,
    ],
    [
      'compensate in another unit',
      {
        action: 'compensate',
        constraint: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: 5, unit: 'EUR' }],
      },
      'constraint.0.unit',
      /accord:points/,
    ],
    ['compensate without an amount constraint', { action: 'compensate', constraint: [] }, 'constraint', /exactly one/],
    [
      'a fractional amount',
      {
        action: 'compensate',
        constraint: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: 2.5, unit: 'accord:points' }],
      },
      'constraint.0.rightOperand',
      /integer/,
    ],
  ])('rejects %s', (_label, duty, path, message) => {
    const issues = issuesOf(parseOdrlPolicy(offer({ action: 'use', duty: [duty] }), ctx));
    expect(issues).toContainEqual({ path: `permission.0.duty.0.${path}`, message: expect.stringMatching(message) });
  });

  it('requires the accord prefix in the context when accord: terms are used', () => {
    const policy = {
      '@context': ODRL_CONTEXT,
      '@type': 'Offer',
      permission: [{ action: 'use', constraint: [{ leftOperand: 'accord:level', operator: 'gteq', rightOperand: 1 }] }],
    };
    expect(issuesOf(parseOdrlPolicy(policy, ctx))).toEqual([
      { path: '@context', message: expect.stringContaining(ACCORD_ODRL_NAMESPACE) },
    ]);
  });

  it('lists every issue with a summary message', () => {
    const result = parseOdrlPolicy(
      {
        '@type': 'Agreement',
        extra: 1,
        permission: [{ action: 'use', constraint: [{ leftOperand: 'x', operator: 'eq', rightOperand: 1 }] }],
      },
      ctx,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual([
        'extra',
        '@context',
        '@type',
        'permission.0.constraint.0.leftOperand',
      ]);
      expect(result.message).toMatch(
        /^invalid access policy: extra: unsupported key .*; @context: is required; @type: must be "Offer"; permission.0.constraint.0.leftOperand: unsupported/,
      );
    }
  });
});

describe('parseIsoDurationMs', () => {
  it.each([
    ['P2W', 14 * 86_400_000],
    ['P30D', 30 * 86_400_000],
    ['PT12H', 12 * 3_600_000],
    ['P1DT2H30M', 86_400_000 + 2 * 3_600_000 + 30 * 60_000],
    ['PT90S', 90_000],
    ['PT0S', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDurationMs(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', 'P1Y', 'P1M', 'P1W2D', 'PT1.5S', '-P1D', 'p1d', 'P1D ', 'P999999999999999D'])(
    'rejects %j',
    (text) => {
      expect(parseIsoDurationMs(text)).toBeUndefined();
    },
  );
});
