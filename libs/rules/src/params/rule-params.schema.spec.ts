import { DEFAULT_RULE_PARAMS, parseRuleParams, ruleParamsSchema } from './rule-params.schema';

describe('parseRuleParams', () => {
  it('gives the documented defaults for an empty rules object, and they are valid', () => {
    expect(parseRuleParams({})).toEqual({ ok: true, params: DEFAULT_RULE_PARAMS });
    expect(ruleParamsSchema.safeParse(DEFAULT_RULE_PARAMS).success).toBe(true);
  });

  it('replaces exactly the fields given, each as a whole', () => {
    const result = parseRuleParams({
      maxPersonalSources: 5,
      requestCost: { public: 1, internal: 1, personal: 1, sensitive: 1 },
    });
    expect(result).toEqual({
      ok: true,
      params: {
        ...DEFAULT_RULE_PARAMS,
        maxPersonalSources: 5,
        requestCost: { public: 1, internal: 1, personal: 1, sensitive: 1 },
      },
    });
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { maxPersonalSource: 3 }, '(root)'],
    ['not an object', [], '(root)'],
    ['a fractional amount', { usePoints: 1.5 }, 'usePoints'],
    ['a negative amount', { usePoints: -1 }, 'usePoints'],
    ['an incomplete cost table', { requestCost: { public: 0 } }, 'requestCost.internal'],
    ['no levels', { levels: [] }, 'levels'],
    ['a level that is not an object', { levels: [null] }, 'levels.0'],
    [
      'no volume classes',
      { updatePoints: { ...DEFAULT_RULE_PARAMS.updatePoints, byVolume: [] } },
      'updatePoints.byVolume',
    ],
    ['a level 0 above score 0', { levels: [{ minScore: 5, maxSensitivity: 'public' }] }, 'levels.0.minScore'],
    [
      'levels not increasing',
      {
        levels: [
          { minScore: 0, maxSensitivity: 'public' },
          { minScore: 0, maxSensitivity: 'internal' },
        ],
      },
      'levels.1.minScore',
    ],
    [
      'a higher level allowed less',
      {
        levels: [
          { minScore: 0, maxSensitivity: 'personal' },
          { minScore: 9, maxSensitivity: 'internal' },
        ],
      },
      'levels.1.maxSensitivity',
    ],
    [
      'volume classes not starting at 0',
      { registerPoints: { ...DEFAULT_RULE_PARAMS.registerPoints, byVolume: [{ minBytes: 1, points: 0 }] } },
      'registerPoints.byVolume.0.minBytes',
    ],
    ['a zero request expiry', { requestExpiryMs: 0 }, 'requestExpiryMs'],
    ['a zero privacy limit', { maxPersonalSources: 0 }, 'maxPersonalSources'],
    [
      'a joint purpose with a bad requester',
      { approvedJointPurposes: [{ purpose: 'research', requester: 'Not An Id' }] },
      'approvedJointPurposes.0.requester',
    ],
  ])('rejects %s with the issue path', (_label, rules, path) => {
    const result = parseRuleParams(rules);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toContain(path);
      expect(result.message).toMatch(/^invalid rule parameters: /);
    }
  });
});
