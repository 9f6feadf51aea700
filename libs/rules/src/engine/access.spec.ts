import { accountOf, findGrant, findRequest, levelOf } from '../state/rules-state.queries';
import { odrlPolicy, PolicyOptions } from '../testing/odrl-policy.builder';
import { RulesHarness, testMember } from '../testing/rules.harness';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');

/** Given: dept-a offers `dept-a/data` with this policy and sensitivity; dept-b has registered `n` datasets (10 points each). */
function given(
  policy: PolicyOptions = {},
  options: { sensitivity?: 'public' | 'internal' | 'personal' | 'sensitive'; bPoints?: number } = {},
): RulesHarness {
  const h = RulesHarness.given([a, b, c]);
  const sensitivity = options.sensitivity ?? 'internal';
  h.register(a, 'data', {
    policy: odrlPolicy(policy),
    sensitivity,
    subjectKey: sensitivity === 'personal' || sensitivity === 'sensitive' ? 'citizen-id' : undefined,
  });
  for (let i = 0; i < (options.bPoints ?? 10) / 10; i++) h.register(b, `b-${i}`);
  h.closeBlock();
  return h;
}

describe('access.request: automatic decisions', () => {
  it('Given an open dataset, When a member with enough points requests it, Then it is granted at once, purpose-bound and time-limited, and the fee is spent', () => {
    const h = given({ compensation: 3 });
    const request = h.request(b, 'dept-a/data', 'statistics', 5000);
    const { receipts } = h.closeBlock();
    const time = h.state.time;

    expect(receipts).toEqual([
      expect.objectContaining({
        kind: 'granted',
        code: 'auto',
        txId: request.txId,
        from: 'dept-b',
        request: expect.objectContaining({ id: request.txId, status: 'granted', fee: 2, compensation: 3, held: 0 }),
        grant: expect.objectContaining({
          id: request.txId,
          requester: 'dept-b',
          provider: 'dept-a',
          purpose: 'statistics',
          expiresAt: time + 5000,
          status: 'active',
        }),
      }),
    ]);
    // 10 - fee 2 - compensation 3; dept-a earned 10 for registering and 3 compensation.
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 5, held: 0, score: 10 });
    expect(accountOf(h.state, 'dept-a')).toEqual({ balance: 13, held: 0, score: 13 });
  });

  it.each<
    [
      string,
      PolicyOptions,
      { sensitivity?: 'public' | 'internal' | 'personal' | 'sensitive'; bPoints?: number },
      string,
      number,
      string,
    ]
  >([
    ['the purpose is not allowed', { purposes: ['planning'] }, {}, 'statistics', 1000, 'purpose_not_allowed'],
    ['the duration exceeds the policy', { maxDuration: 'PT1S' }, {}, 'statistics', 1001, 'duration_too_long'],
    ['the duration exceeds the channel maximum', {}, {}, 'statistics', 100_001, 'duration_too_long'],
    ['the level is below the policy minimum', { minLevel: 1 }, {}, 'statistics', 1000, 'level_too_low'],
    [
      'the level may not request personal data',
      {},
      { sensitivity: 'personal' },
      'statistics',
      1000,
      'sensitivity_not_allowed',
    ],
    [
      'the points do not cover fee and compensation',
      { compensation: 9 },
      {},
      'statistics',
      1000,
      'insufficient_points',
    ],
  ])(
    'When %s, Then the request is denied with that reason and nothing changes',
    (_label, policy, options, purpose, durationMs, code) => {
      const h = given(policy, options);
      const before = h.state;
      const request = h.request(b, 'dept-a/data', purpose, durationMs);
      const { state } = h.closeBlock();

      expect(h.receiptOf(request)).toMatchObject({
        kind: 'denied',
        code,
        stage: 'request',
        request: request.txId,
        requester: 'dept-b',
        refund: 0,
      });
      expect({ ...state, height: 0, time: 0 }).toEqual({ ...before, height: 0, time: 0 });
    },
  );

  it('Given enough score, When the level rises, Then more sensitive data may be requested', () => {
    const h = given({}, { sensitivity: 'personal', bPoints: 20 });
    expect(levelOf(h.state, 'dept-b')).toBe(1);
    const request = h.request(b, 'dept-a/data');
    h.closeBlock();

    expect(h.receiptOf(request)).toMatchObject({ kind: 'granted' });
    // Spending does not lower the level: the score stays.
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 15, held: 0, score: 20 });
    expect(levelOf(h.state, 'dept-b')).toBe(1);
  });

  it('lists every check in a denial, with the first failure as the code', () => {
    const h = given({ purposes: ['planning'], minLevel: 2 });
    const request = h.request(b, 'dept-a/data', 'statistics', 200_000);
    h.closeBlock();

    const receipt = h.receiptOf(request);
    expect(receipt).toMatchObject({ kind: 'denied', code: 'purpose_not_allowed' });
    if (receipt.kind !== 'denied') throw new Error('unreachable');
    expect(receipt.checks.map((check) => [check.name, check.status])).toEqual([
      ['requester_member', 'pass'],
      ['dataset_known', 'pass'],
      ['dataset_active', 'pass'],
      ['provider_member', 'pass'],
      ['not_own_dataset', 'pass'],
      ['no_duplicate', 'pass'],
      ['purpose', 'fail'],
      ['duration', 'fail'],
      ['level', 'fail'],
      ['sensitivity', 'pass'],
      ['points', 'pass'],
      ['privacy_guard', 'pass'],
      ['consent', 'pass'],
    ]);
  });
});

describe('access.request: bad input', () => {
  it('When a request names an unknown dataset, its own dataset or repeats a live one, Then it is rejected with that reason and nothing changes', () => {
    const h = given();
    const granted = h.request(b, 'dept-a/data');
    h.closeBlock();
    const before = h.state;
    const unknown = h.request(b, 'dept-a/nothing');
    const own = h.request(a, 'dept-a/data');
    const duplicate = h.request(b, 'dept-a/data');
    const malformed = h.rawTx(b, 'access.request', { dataset: 'dept-a/data', purpose: 'statistics', durationMs: -5 });
    const { state } = h.closeBlock();

    expect(h.receiptOf(granted)).toMatchObject({ kind: 'granted' });
    expect(h.receiptOf(unknown)).toMatchObject({ kind: 'rejected', code: 'unknown_dataset', type: 'access.request' });
    expect(h.receiptOf(own)).toMatchObject({ kind: 'rejected', code: 'own_dataset' });
    expect(h.receiptOf(duplicate)).toMatchObject({
      kind: 'rejected',
      code: 'duplicate_request',
      issues: [{ path: 'no_duplicate' }],
    });
    expect(h.receiptOf(malformed)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_payload',
      issues: [{ path: 'payload.durationMs' }],
    });
    expect({ ...state, height: 0, time: 0 }).toEqual({ ...before, height: 0, time: 0 });
  });
});

describe('consent', () => {
  function pending(): { h: RulesHarness; request: ReturnType<RulesHarness['request']> } {
    const h = given({ consent: true, compensation: 4 });
    const request = h.request(b, 'dept-a/data', 'statistics', 5000);
    h.closeBlock();
    return { h, request };
  }

  it('Given a policy that requires consent, When a member requests, Then the request is pending and its price is held', () => {
    const { h, request } = pending();

    expect(h.receiptOf(request)).toMatchObject({
      kind: 'pending',
      code: 'consent_required',
      request: { id: request.txId, status: 'pending', held: 6 },
    });
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 4, held: 6, score: 10 });
    expect(h.state.grants).toEqual({});
  });

  it('When the provider consents, Then the grant starts at the consent block and the provider is paid', () => {
    const { h, request } = pending();
    h.advance(3000);
    const consent = h.consent(a, request);
    h.closeBlock();

    expect(h.receiptOf(consent)).toMatchObject({
      kind: 'consented',
      request: request.txId,
      grant: { id: request.txId, expiresAt: h.state.time + 5000, status: 'active' },
    });
    expect(findRequest(h.state, request.txId)).toMatchObject({
      status: 'granted',
      held: 0,
      closedAt: { txId: consent.txId },
    });
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 4, held: 0, score: 10 });
    expect(accountOf(h.state, 'dept-a')).toEqual({ balance: 14, held: 0, score: 14 });
  });

  it('When the provider refuses or the requester cancels, Then the held points come back', () => {
    const { h, request } = pending();
    const refuse = h.tx(a, 'access.refuse', { request: request.txId, reason: 'not now' });
    h.closeBlock();
    expect(h.receiptOf(refuse)).toMatchObject({
      kind: 'refused',
      code: 'provider_refused',
      refund: 6,
      reason: 'not now',
    });
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 10, held: 0, score: 10 });

    const again = h.request(b, 'dept-a/data');
    h.closeBlock();
    const cancel = h.tx(b, 'access.cancel', { request: again.txId });
    h.closeBlock();
    expect(h.receiptOf(cancel)).toMatchObject({ kind: 'cancelled', code: 'requester_cancelled', refund: 6 });
    expect(findRequest(h.state, again.txId)?.status).toBe('cancelled');
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 10, held: 0, score: 10 });
  });

  it('When nobody decides within requestExpiryMs, Then the request expires at the first block at or after that time, before its txs', () => {
    const { h, request } = pending();
    const expiresAt = findRequest(h.state, request.txId)?.expiresAt ?? 0;
    h.advance(10_000);
    const lateConsent = h.consent(a, request);
    const { receipts } = h.closeBlock();

    expect(h.state.time).toBeGreaterThanOrEqual(expiresAt);
    expect(receipts[0]).toMatchObject({
      kind: 'expired',
      code: 'request_expired',
      request: request.txId,
      refund: 6,
      index: null,
      txId: null,
    });
    expect(h.receiptOf(lateConsent)).toMatchObject({ kind: 'rejected', code: 'request_not_pending' });
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 10, held: 0, score: 10 });
  });

  it('When someone other than the provider consents, refuses or cancels, Then it is rejected and the request stays pending', () => {
    const { h, request } = pending();
    const byRequester = h.consent(b, request);
    const byThirdParty = h.tx(c, 'access.refuse', { request: request.txId });
    const cancelByProvider = h.tx(a, 'access.cancel', { request: request.txId });
    const unknown = h.tx(a, 'access.consent', { request: 'f'.repeat(64) });
    h.closeBlock();

    expect(h.receiptOf(byRequester)).toMatchObject({ kind: 'rejected', code: 'not_provider' });
    expect(h.receiptOf(byThirdParty)).toMatchObject({ kind: 'rejected', code: 'not_provider' });
    expect(h.receiptOf(cancelByProvider)).toMatchObject({ kind: 'rejected', code: 'not_requester' });
    expect(h.receiptOf(unknown)).toMatchObject({ kind: 'rejected', code: 'unknown_request' });
    expect(findRequest(h.state, request.txId)?.status).toBe('pending');
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 4, held: 6, score: 10 });
  });
});

describe('grants: expiry, revocation and use', () => {
  it('Given a grant, When block time reaches expiresAt, Then it expires at that block start and further use is rejected', () => {
    const h = given();
    const grant = h.request(b, 'dept-a/data', 'statistics', 2000);
    h.closeBlock();
    h.advance(2000);
    const use = h.use(a, grant);
    const { receipts } = h.closeBlock();

    expect(receipts[0]).toMatchObject({ kind: 'expired', code: 'grant_expired', grant: grant.txId });
    expect(h.receiptOf(use)).toMatchObject({ kind: 'rejected', code: 'grant_not_active' });
    expect(findGrant(h.state, grant.txId)).toMatchObject({
      status: 'expired',
      code: 'grant_expired',
      endedAt: { txId: null },
    });
  });

  it('When the provider revokes a grant, Then it ends at once; a revoke by anyone else is rejected', () => {
    const h = given();
    const grant = h.request(b, 'dept-a/data');
    h.closeBlock();
    const byRequester = h.tx(b, 'access.revoke', { grant: grant.txId });
    const revoke = h.tx(a, 'access.revoke', { grant: grant.txId, reason: 'misuse' });
    const after = h.use(a, grant);
    const twice = h.tx(a, 'access.revoke', { grant: grant.txId });
    h.closeBlock();

    expect(h.receiptOf(byRequester)).toMatchObject({ kind: 'rejected', code: 'not_provider' });
    expect(h.receiptOf(revoke)).toMatchObject({ kind: 'revoked', code: 'provider_revoked', reason: 'misuse' });
    expect(h.receiptOf(after)).toMatchObject({ kind: 'rejected', code: 'grant_not_active' });
    expect(h.receiptOf(twice)).toMatchObject({ kind: 'rejected', code: 'grant_not_active' });
    expect(findGrant(h.state, grant.txId)?.status).toBe('revoked');
  });

  it('Given "at most 2 accesses", When three accesses land in one block, Then the log order grants two and the grant is exhausted', () => {
    const h = given({ maxAccesses: 2 });
    const grant = h.request(b, 'dept-a/data');
    h.closeBlock();
    const first = h.use(a, grant, 100);
    const second = h.use(a, grant, 50);
    const third = h.use(a, grant, 10);
    h.closeBlock();

    expect(h.receiptOf(first)).toMatchObject({ kind: 'used', code: 'ok', accessesUsed: 1, maxAccesses: 2, points: 1 });
    expect(h.receiptOf(second)).toMatchObject({ kind: 'used', code: 'exhausted', accessesUsed: 2 });
    expect(h.receiptOf(third)).toMatchObject({ kind: 'rejected', code: 'grant_exhausted' });
    expect(findGrant(h.state, grant.txId)).toMatchObject({ status: 'exhausted', accessesUsed: 2, bytesUsed: 150 });
    expect(h.state.datasets['dept-a/data'].accesses).toBe(2);
    expect(accountOf(h.state, 'dept-a').score).toBe(12);
  });

  it('Given an unlimited grant, When it is used often, Then the provider earns use points only up to maxRewardedUsesPerGrant', () => {
    const h = given();
    const grant = h.request(b, 'dept-a/data');
    h.closeBlock();
    const uses = [1, 2, 3, 4, 5].map(() => h.use(a, grant));
    h.closeBlock();

    expect(uses.map((u) => h.receiptOf(u)).map((r) => (r.kind === 'used' ? r.points : -1))).toEqual([1, 1, 1, 0, 0]);
    expect(findGrant(h.state, grant.txId)).toMatchObject({ accessesUsed: 5, rewardedUses: 3, status: 'active' });
    expect(accountOf(h.state, 'dept-a').score).toBe(13);
  });

  it('When the requester or a third party records a use, or the grant is unknown, Then it is rejected', () => {
    const h = given();
    const grant = h.request(b, 'dept-a/data');
    h.closeBlock();
    const byRequester = h.use(b, grant);
    const byOther = h.use(c, grant);
    const unknown = h.tx(a, 'access.use', { grant: 'e'.repeat(64), bytes: 1 });
    h.closeBlock();

    expect(h.receiptOf(byRequester)).toMatchObject({ kind: 'rejected', code: 'not_provider' });
    expect(h.receiptOf(byOther)).toMatchObject({ kind: 'rejected', code: 'not_provider' });
    expect(h.receiptOf(unknown)).toMatchObject({ kind: 'rejected', code: 'unknown_grant' });
    expect(findGrant(h.state, grant.txId)?.accessesUsed).toBe(0);
  });
});
