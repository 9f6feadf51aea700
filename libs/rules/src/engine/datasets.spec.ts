import { accountOf, findDataset } from '../state/rules-state.queries';
import { stateDigest } from '../state/state-digest';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { contentHash, registration, RulesHarness, testMember } from '../testing/rules.harness';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');

function given(): RulesHarness {
  return RulesHarness.given([a, b, c]);
}

describe('dataset.register', () => {
  it('Given a channel, When a member registers a dataset, Then it is on record as <owner>/<name> and the owner earns points by type, volume and frequency', () => {
    const h = given();
    const plain = h.register(a, 'traffic');
    const rich = h.register(a, 'cameras', {
      dataType: 'video',
      volumeBytes: 5000,
      updateFrequency: 'daily',
      sensitivity: 'personal',
      subjectKey: 'plate-number',
    });
    h.closeBlock();

    expect(h.receiptOf(plain)).toMatchObject({
      kind: 'registered',
      code: 'ok',
      dataset: 'dept-a/traffic',
      points: 10,
      from: 'dept-a',
      index: 0,
    });
    // video 20 + 1000 bytes or more 5 + daily 2
    expect(h.receiptOf(rich)).toMatchObject({ kind: 'registered', dataset: 'dept-a/cameras', points: 27 });
    expect(accountOf(h.state, 'dept-a')).toEqual({ balance: 37, held: 0, score: 37 });
    expect(findDataset(h.state, 'dept-a/cameras')).toMatchObject({
      owner: 'dept-a',
      version: 1,
      status: 'active',
      sensitivity: 'personal',
      subjectKey: 'plate-number',
      terms: {
        minLevel: 0,
        purposes: null,
        consentRequired: false,
        maxDurationMs: null,
        maxAccesses: null,
        compensation: 0,
      },
      registeredAt: { height: 1, txId: rich.txId },
    });
  });

  it('Given a registered dataset, When the same owner registers the name again, Then it is rejected and nothing changes', () => {
    const h = given();
    h.register(a, 'traffic');
    h.closeBlock();
    const before = h.state;
    const again = h.register(a, 'traffic', { title: 'Another' });
    const result = h.closeBlock();

    expect(h.receiptOf(again)).toMatchObject({ kind: 'rejected', code: 'dataset_exists', type: 'dataset.register' });
    expect({ ...result.state, height: 0, time: 0 }).toEqual({ ...before, height: 0, time: 0 });
  });

  it('Given a channel, When two owners register the same name, Then both exist under their own ids', () => {
    const h = given();
    h.register(a, 'traffic');
    h.register(b, 'traffic');
    h.closeBlock();

    expect(Object.keys(h.state.datasets).sort()).toEqual(['dept-a/traffic', 'dept-b/traffic']);
  });

  it('When a registration carries a policy outside the ODRL subset, Then it is rejected with the policy issues', () => {
    const h = given();
    const bad = h.register(a, 'traffic', {
      policy: {
        '@context': 'http://www.w3.org/ns/odrl.jsonld',
        '@type': 'Offer',
        permission: [{ action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'x' }] }],
      },
    });
    const wrongTarget = h.register(a, 'parking', { policy: { ...odrlPolicy(), target: 'dept-b/parking' } });
    h.closeBlock();

    expect(h.receiptOf(bad)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_policy',
      issues: [{ path: 'permission.0.constraint.0.leftOperand', message: expect.stringContaining('spatial') }],
    });
    expect(h.receiptOf(wrongTarget)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_policy',
      issues: [{ path: 'target' }],
    });
    expect(h.state.datasets).toEqual({});
    expect(h.state.accounts).toEqual({});
  });

  it('When a registration payload breaks its schema, Then it is rejected with each issue', () => {
    const h = given();
    const noSubject = h.tx(a, 'dataset.register', registration('people', { sensitivity: 'sensitive' }));
    const unknownField = h.rawTx(a, 'dataset.register', { ...registration('x'), colour: 'red' } as never);
    const badName = h.register(a, 'Bad Name');
    h.closeBlock();

    expect(h.receiptOf(noSubject)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_payload',
      issues: [{ path: 'payload.subjectKey', message: 'is required for sensitive data' }],
    });
    expect(h.receiptOf(unknownField)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_payload',
      issues: [{ path: 'payload' }],
    });
    expect(h.receiptOf(badName)).toMatchObject({
      kind: 'rejected',
      code: 'invalid_payload',
      issues: [{ path: 'payload.name' }],
    });
    expect(h.state.datasets).toEqual({});
  });
});

describe('dataset.update', () => {
  function withDataset(): RulesHarness {
    const h = given();
    h.register(a, 'traffic');
    h.closeBlock();
    return h;
  }

  it('Given a dataset, When its owner publishes the next version after the minimum interval, Then version and hash change and the owner earns update points', () => {
    const h = withDataset();
    h.advance(1000);
    const hash = contentHash('traffic-v2');
    const update = h.tx(a, 'dataset.update', {
      dataset: 'dept-a/traffic',
      version: 2,
      contentHash: hash,
      volumeBytes: 4096,
    });
    h.closeBlock();

    expect(h.receiptOf(update)).toMatchObject({
      kind: 'updated',
      dataset: 'dept-a/traffic',
      points: 3,
      record: { version: 2, contentHash: hash, volumeBytes: 4096 },
    });
    expect(accountOf(h.state, 'dept-a').score).toBe(13);
  });

  it('When updates come faster than updateMinIntervalMs or repeat the content, Then they apply but earn nothing', () => {
    const h = withDataset();
    const quick = h.tx(a, 'dataset.update', { dataset: 'dept-a/traffic', version: 2, contentHash: contentHash('v2') });
    h.closeBlock();
    h.advance(5000);
    const sameContent = h.tx(a, 'dataset.update', {
      dataset: 'dept-a/traffic',
      version: 3,
      contentHash: contentHash('v2'),
      title: 'Renamed',
    });
    h.closeBlock();

    expect(h.receiptOf(quick)).toMatchObject({ kind: 'updated', points: 0, record: { version: 2 } });
    expect(h.receiptOf(sameContent)).toMatchObject({
      kind: 'updated',
      points: 0,
      record: { version: 3, title: 'Renamed' },
    });
    expect(accountOf(h.state, 'dept-a').score).toBe(10);
  });

  it('When someone else, a wrong version or an unknown dataset is updated, Then each is rejected with its reason', () => {
    const h = withDataset();
    const byOther = h.tx(b, 'dataset.update', { dataset: 'dept-a/traffic', version: 2, contentHash: contentHash() });
    const skipped = h.tx(a, 'dataset.update', { dataset: 'dept-a/traffic', version: 3, contentHash: contentHash() });
    const unknown = h.tx(a, 'dataset.update', { dataset: 'dept-a/nothing', version: 2, contentHash: contentHash() });
    const badPolicy = h.tx(a, 'dataset.update', {
      dataset: 'dept-a/traffic',
      version: 2,
      contentHash: contentHash(),
      policy: { '@type': 'Offer' },
    });
    h.closeBlock();

    expect(h.receiptOf(byOther)).toMatchObject({ kind: 'rejected', code: 'not_owner' });
    expect(h.receiptOf(skipped)).toMatchObject({ kind: 'rejected', code: 'version_not_next' });
    expect(h.receiptOf(unknown)).toMatchObject({ kind: 'rejected', code: 'unknown_dataset' });
    expect(h.receiptOf(badPolicy)).toMatchObject({ kind: 'rejected', code: 'invalid_policy' });
    expect(findDataset(h.state, 'dept-a/traffic')?.version).toBe(1);
  });

  it('When the owner changes the policy, Then new requests see the new terms', () => {
    const h = withDataset();
    h.tx(a, 'dataset.update', {
      dataset: 'dept-a/traffic',
      version: 2,
      contentHash: contentHash(),
      policy: odrlPolicy({ purposes: ['planning'] }),
    });
    h.closeBlock();

    expect(findDataset(h.state, 'dept-a/traffic')?.terms.purposes).toEqual(['planning']);
    expect(h.evaluate(b, 'dept-a/traffic', 'statistics')).toMatchObject({
      outcome: 'denied',
      code: 'purpose_not_allowed',
    });
  });
});

describe('dataset.deprecate', () => {
  it('Given a dataset with a pending request and a grant, When the owner deprecates it, Then pending requests are cancelled with a refund, the grant runs on and new requests are rejected', () => {
    const h = given();
    h.register(a, 'traffic', { policy: odrlPolicy({ purposes: ['statistics'] }) });
    h.register(a, 'permits', { policy: odrlPolicy({ consent: true }) });
    h.register(b, 'b-data');
    h.closeBlock();
    const grant = h.request(b, 'dept-a/traffic');
    const pending = h.request(b, 'dept-a/permits');
    h.closeBlock();
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 6, held: 2, score: 10 });

    const deprecateTraffic = h.tx(a, 'dataset.deprecate', { dataset: 'dept-a/traffic', reason: 'replaced' });
    const deprecatePermits = h.tx(a, 'dataset.deprecate', { dataset: 'dept-a/permits' });
    const late = h.request(c, 'dept-a/traffic');
    h.closeBlock();

    expect(h.receiptsOf(deprecateTraffic)).toEqual([
      expect.objectContaining({ kind: 'deprecated', dataset: 'dept-a/traffic', reason: 'replaced' }),
    ]);
    expect(h.receiptsOf(deprecatePermits)).toEqual([
      expect.objectContaining({ kind: 'deprecated', dataset: 'dept-a/permits' }),
      expect.objectContaining({ kind: 'cancelled', code: 'dataset_deprecated', request: pending.txId, refund: 2 }),
    ]);
    expect(h.receiptOf(late)).toMatchObject({ kind: 'rejected', code: 'dataset_deprecated' });
    expect(h.state.grants[grant.txId].status).toBe('active');
    expect(h.state.requests[pending.txId]).toMatchObject({ status: 'cancelled', held: 0, code: 'dataset_deprecated' });
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 8, held: 0, score: 10 });
  });

  it('When a non-owner deprecates, or the dataset is already deprecated, Then it is rejected', () => {
    const h = given();
    h.register(a, 'traffic');
    h.closeBlock();
    const byOther = h.tx(b, 'dataset.deprecate', { dataset: 'dept-a/traffic' });
    const first = h.tx(a, 'dataset.deprecate', { dataset: 'dept-a/traffic' });
    const second = h.tx(a, 'dataset.deprecate', { dataset: 'dept-a/traffic' });
    const update = h.tx(a, 'dataset.update', { dataset: 'dept-a/traffic', version: 2, contentHash: contentHash() });
    h.closeBlock();

    expect(h.receiptOf(byOther)).toMatchObject({ kind: 'rejected', code: 'not_owner' });
    expect(h.receiptOf(first)).toMatchObject({ kind: 'deprecated' });
    expect(h.receiptOf(second)).toMatchObject({ kind: 'rejected', code: 'dataset_deprecated' });
    expect(h.receiptOf(update)).toMatchObject({ kind: 'rejected', code: 'dataset_deprecated' });
    expect(stateDigest(h.state)).toBe(h.results[h.results.length - 1].digest);
  });
});
