import { JsonObject } from '@accord/protocol';
import { accountOf, findGrant, findRequest } from '../state/rules-state.queries';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { RulesHarness, TEST_RULES, testMember } from '../testing/rules.harness';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');

/**
 * Given: dept-a, dept-b and dept-c each offer personal data keyed by
 * citizen-id (dept-a a second one, and dept-c also one keyed by plate
 * numbers); dept-d has 30 points (level 1, may request personal data) and
 * already holds grants to dept-a's and dept-b's data. maxPersonalSources = 2.
 */
function given(rules: JsonObject = TEST_RULES as unknown as JsonObject): {
  h: RulesHarness;
  grantA: string;
  grantB: string;
} {
  const h = RulesHarness.given([a, b, c, d], { rules });
  const personal = { sensitivity: 'personal' as const, subjectKey: 'citizen-id' };
  h.register(a, 'health', personal);
  h.register(a, 'benefits', personal);
  h.register(b, 'tax', personal);
  h.register(c, 'police', personal);
  h.register(c, 'vehicles', { sensitivity: 'personal', subjectKey: 'plate-number' });
  h.register(c, 'consented', { ...personal, policy: odrlPolicy({ consent: true }) });
  for (const name of ['d1', 'd2', 'd3']) h.register(d, name);
  h.closeBlock();
  const grantA = h.request(d, 'dept-a/health', 'statistics');
  const grantB = h.request(d, 'dept-b/tax', 'statistics');
  h.closeBlock();
  expect([h.receiptOf(grantA).kind, h.receiptOf(grantB).kind]).toEqual(['granted', 'granted']);
  return { h, grantA: grantA.txId, grantB: grantB.txId };
}

describe('privacy guard', () => {
  it('Given grants from two providers about citizen-id, When a third provider is asked, Then the request is denied naming the conflicting grants', () => {
    const { h, grantA, grantB } = given();
    const third = h.request(d, 'dept-c/police', 'statistics');
    h.closeBlock();

    const receipt = h.receiptOf(third);
    expect(receipt).toMatchObject({
      kind: 'denied',
      code: 'privacy_guard',
      stage: 'request',
      conflicts: [
        { grant: grantA < grantB ? grantA : grantB, subjectKey: 'citizen-id' },
        { grant: grantA < grantB ? grantB : grantA, subjectKey: 'citizen-id' },
      ],
    });
    if (receipt.kind !== 'denied') throw new Error('unreachable');
    expect(receipt.conflicts.map((x) => x.provider).sort()).toEqual(['dept-a', 'dept-b']);
    expect(receipt.message).toContain(grantA);
    expect(receipt.message).toContain(grantB);
  });

  it('counts providers, not datasets, and only the same subject key', () => {
    const { h } = given();
    const sameProvider = h.request(d, 'dept-a/benefits', 'statistics');
    const otherKey = h.request(d, 'dept-c/vehicles', 'statistics');
    h.closeBlock();

    expect(h.receiptOf(sameProvider)).toMatchObject({ kind: 'granted' });
    expect(h.receiptOf(otherKey)).toMatchObject({ kind: 'granted' });
  });

  it('Given a joint purpose approved for the requester, When it asks for that purpose, Then the guard lets it pass and marks the grant exempt', () => {
    const rules = {
      ...TEST_RULES,
      approvedJointPurposes: [{ purpose: 'fraud-investigation', requester: 'dept-d', subjectKey: 'citizen-id' }],
    };
    const { h } = given(rules as unknown as JsonObject);
    const otherPurpose = h.request(d, 'dept-c/police', 'statistics');
    h.closeBlock();
    const approved = h.request(d, 'dept-c/police', 'fraud-investigation');
    h.closeBlock();

    expect(h.receiptOf(otherPurpose)).toMatchObject({ kind: 'denied', code: 'privacy_guard' });
    expect(h.receiptOf(approved)).toMatchObject({ kind: 'granted', grant: { exempt: true } });
  });

  it('Given one conflicting grant ends, When the third provider is asked again, Then it is granted', () => {
    const { h, grantB } = given();
    h.tx(b, 'access.revoke', { grant: grantB });
    h.closeBlock();
    const third = h.request(d, 'dept-c/police', 'statistics');
    h.closeBlock();

    expect(h.receiptOf(third)).toMatchObject({ kind: 'granted' });
  });

  it('Given a request pending consent, When another grant fills the limit before the consent, Then the consent is denied by the guard and the points come back', () => {
    const { h, grantB } = given();
    h.tx(b, 'access.revoke', { grant: grantB });
    h.closeBlock();
    const pending = h.request(d, 'dept-c/consented', 'statistics');
    h.closeBlock();
    expect(h.receiptOf(pending)).toMatchObject({ kind: 'pending' });
    const heldBefore = accountOf(h.state, 'dept-d');
    const regrantB = h.request(d, 'dept-b/tax', 'planning');
    h.closeBlock();
    expect(h.receiptOf(regrantB)).toMatchObject({ kind: 'granted' });

    const consent = h.consent(c, pending);
    h.closeBlock();

    expect(h.receiptOf(consent)).toMatchObject({
      kind: 'denied',
      code: 'privacy_guard',
      stage: 'consent',
      request: pending.txId,
      refund: 5,
    });
    expect(findRequest(h.state, pending.txId)).toMatchObject({ status: 'denied', held: 0, code: 'privacy_guard' });
    expect(findGrant(h.state, pending.txId)).toBeUndefined();
    expect(accountOf(h.state, 'dept-d').held).toBe(heldBefore.held - 5);
  });
});
