import { ChannelPolicy } from '@accord/ledger-core';
import { JsonObject } from '@accord/protocol';
import { MAX_AMOUNT } from '../common/amount.math';
import { isRulesError } from '../errors/rules.errors';
import { DEFAULT_RULE_PARAMS, parseRuleParams } from '../params/rule-params.schema';
import { accountOf, findGrant, findRequest } from '../state/rules-state.queries';
import { initialRulesState, parseRulesState } from '../state/rules-state.schema';
import { stateDigest } from '../state/state-digest';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { RulesHarness, TEST_RULES, testMember } from '../testing/rules.harness';
import { apply, evaluate, replay } from './rules.engine';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');

function rules(changes: Record<string, unknown>): JsonObject {
  return { ...TEST_RULES, ...changes } as unknown as JsonObject;
}

describe('apply: blocks and configuration', () => {
  it('Given the genesis block, Then the parameters come from the genesis policy and the digest is that of the new state', () => {
    const h = RulesHarness.given([a, b]);
    const [genesis] = h.results;

    expect(genesis.receipts).toEqual([]);
    expect(h.state).toMatchObject({
      channel: 'test-channel',
      height: 0,
      params: (parseRuleParams(TEST_RULES) as { params: unknown }).params,
    });
    expect(genesis.digest).toBe(stateDigest(h.state));
    expect(genesis.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Given a genesis with invalid rules, Then the defaults apply and one rejected receipt says why', () => {
    const h = RulesHarness.given([a, b], { rules: { maxPersonalSources: 0 } });

    expect(h.state.params).toEqual(DEFAULT_RULE_PARAMS);
    expect(h.lastReceipts()).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        code: 'invalid_parameters',
        type: 'policy',
        txId: null,
        issues: [expect.objectContaining({ path: 'maxPersonalSources' })],
      }),
    ]);
  });

  it('Given a policy change approved by vote in block h, Then its parameters decide blocks from h + 1 on', () => {
    const h = RulesHarness.given([a, b, c]);
    h.register(a, 'data');
    h.closeBlock();
    const policy: ChannelPolicy = {
      ...h.ledger.config.policy,
      rules: rules({ requestCost: { public: 0, internal: 7, personal: 7, sensitive: 7 } }),
    };
    const proposal = h.ledger.log.proposePolicy(a, policy);
    h.ledger.log.policyVote(b, proposal.txId, true);
    const sameBlock = h.request(b, 'dept-a/data', 'statistics');
    h.closeBlock();
    expect(h.ledger.events('policy_changed')).toHaveLength(1);
    const nextBlock = h.request(c, 'dept-a/data', 'statistics');
    h.closeBlock();

    expect(h.receiptOf(sameBlock)).toMatchObject({ kind: 'denied', code: 'insufficient_points' });
    expect(h.evaluate(b, 'dept-a/data').cost).toEqual({ fee: 7, compensation: 0, total: 7 });
    expect(h.receiptOf(nextBlock)).toMatchObject({
      kind: 'denied',
      code: 'insufficient_points',
      message: expect.stringContaining('price of 7'),
    });
    expect(h.state.params?.requestCost.internal).toBe(7);
  });

  it('Given a policy change with invalid rules, Then the previous parameters stay and a rejected receipt names the issues', () => {
    const h = RulesHarness.given([a, b], { kind: 'private' });
    const before = h.state.params;
    h.ledger.log.proposePolicy(a, { ...h.ledger.config.policy, rules: { levels: [] } });
    const { receipts } = h.closeBlock();

    expect(receipts).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        code: 'invalid_parameters',
        type: 'policy',
        issues: [expect.objectContaining({ path: 'levels' })],
      }),
    ]);
    expect(h.state.params).toEqual(before);
  });

  it('processes only valid txs: forged, unknown-member and raw txs have no effect and no receipt', () => {
    const h = RulesHarness.given([a, b]);
    const outsider = testMember('outsider');
    h.ledger.log.tx(a, 'dataset.register', { name: 'forged' }, { signedBy: b });
    h.ledger.log.tx(outsider, 'dataset.register', { name: 'x' });
    h.ledger.log.rawTx('{"not":"a tx"}');
    const note = h.ledger.log.tx(a, 'test.note', { note: 'other services use other tx types' });
    const { receipts } = h.closeBlock();

    expect(h.ledger.code(note)).toBe('valid');
    expect(receipts).toEqual([]);
    expect(h.state.datasets).toEqual({});
  });

  it('throws typed errors for blocks out of order, of another channel or with a mismatched configuration', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data');
    h.closeBlock();
    const [block0, block1] = h.blocks;
    const expectCode = (fn: () => unknown, code: string) => {
      try {
        fn();
      } catch (error) {
        expect(isRulesError(error) && error.code).toBe(code);
        return;
      }
      throw new Error('expected a RulesError');
    };

    expectCode(() => apply(h.state, block1.block, block1.config), 'block.out_of_order');
    expectCode(() => apply(initialRulesState(), block1.block, block1.config), 'block.out_of_order');
    expectCode(
      () => apply({ ...initialRulesState(), channel: 'other' }, block0.block, block0.config),
      'block.wrong_channel',
    );
    expectCode(
      () => apply(initialRulesState(), block0.block, { ...block0.config!, channel: 'other' }),
      'config.invalid',
    );
    const afterGenesis = apply(initialRulesState(), block0.block, block0.config).state;
    expectCode(() => apply(afterGenesis, block1.block, null), 'config.invalid');
    expectCode(
      () => apply({ ...afterGenesis, time: block1.block.header.time + 1 }, block1.block, block1.config),
      'block.out_of_order',
    );
  });

  it('does not modify the state it is given', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data');
    h.register(b, 'b');
    h.closeBlock();
    const request = h.request(b, 'dept-a/data');
    h.closeBlock();
    const before = JSON.stringify(h.results[1].state);
    apply(h.results[1].state, h.blocks[2].block, h.blocks[2].config);

    expect(JSON.stringify(h.results[1].state)).toBe(before);
    expect(findGrant(h.state, request.txId)).toBeDefined();
  });
});

describe('membership', () => {
  it('Given grants and pending requests, When a member leaves, Then at that block end its grants (either side) are revoked and its requests cancelled with refunds; its points stay', () => {
    const h = RulesHarness.given([a, b, c]);
    h.register(a, 'open');
    h.register(a, 'asked', { policy: odrlPolicy({ consent: true }) });
    h.register(b, 'b-data');
    h.register(c, 'c-data');
    h.closeBlock();
    const bFromA = h.request(b, 'dept-a/open');
    const bPending = h.request(b, 'dept-a/asked');
    const cFromB = h.request(c, 'dept-b/b-data');
    const cFromA = h.request(c, 'dept-a/open');
    h.closeBlock();
    const leave = h.ledger.log.leave(b);
    const { receipts } = h.closeBlock();

    expect(h.ledger.code(leave)).toBe('valid');
    const effects = receipts.map((r) => [r.kind, r.code, 'request' in r ? r.request : 'grant' in r ? r.grant : null]);
    expect(effects).toEqual([
      ['cancelled', 'member_removed', bPending.txId],
      ...[bFromA.txId, cFromB.txId].sort().map((id) => ['revoked', 'member_removed', id]),
    ]);
    expect(findGrant(h.state, cFromA.txId)?.status).toBe('active');
    expect(findRequest(h.state, bPending.txId)?.status).toBe('cancelled');
    expect(accountOf(h.state, 'dept-b')).toEqual({ balance: 8, held: 0, score: 10 });
    expect(h.evaluate(c, 'dept-b/b-data')).toMatchObject({ outcome: 'rejected', code: 'provider_not_member' });
  });
});

describe('evaluate (dry run)', () => {
  it('explains what a request would get, changes nothing, and agrees with the real decision', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data', { policy: odrlPolicy({ consent: true, compensation: 1 }) });
    h.register(b, 'b');
    h.closeBlock();
    const snapshot = JSON.stringify(h.state);

    const dry = h.evaluate(b, 'dept-a/data');
    expect(dry).toMatchObject({
      outcome: 'pending',
      code: 'consent_required',
      provider: 'dept-a',
      level: 0,
      balance: 10,
      cost: { fee: 2, compensation: 1, total: 3 },
    });
    expect(dry.checks.find((check) => check.name === 'consent')).toMatchObject({ status: 'pending' });
    expect(JSON.stringify(h.state)).toBe(snapshot);

    const real = h.request(b, 'dept-a/data');
    h.closeBlock();
    const receipt = h.receiptOf(real);
    expect(receipt.kind).toBe(dry.outcome);
    if (receipt.kind === 'pending') expect(receipt.checks).toEqual(dry.checks);
  });

  it('rejects a malformed request with its issues and an unknown dataset with skipped checks', () => {
    const h = RulesHarness.given([a, b]);
    expect(
      evaluate(h.state, h.ledger.config, { requester: 'dept-b', dataset: 'nope', purpose: 'x', durationMs: 0 }, 0),
    ).toMatchObject({
      outcome: 'rejected',
      code: 'invalid_payload',
      message: expect.stringMatching(/dataset: must be <owner>\/<name>.*durationMs/),
    });
    const unknown = h.evaluate(b, 'dept-a/none');
    expect(unknown).toMatchObject({ outcome: 'rejected', code: 'unknown_dataset' });
    expect(unknown.checks.filter((check) => check.status === 'skipped')).toHaveLength(11);
  });

  it('sees grants whose time has passed as expired before any block says so', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data');
    h.register(b, 'b');
    h.closeBlock();
    h.request(b, 'dept-a/data', 'statistics', 1000);
    h.closeBlock();
    const grantedAt = h.state.time;

    expect(h.evaluate(b, 'dept-a/data', 'statistics', 1000, grantedAt + 999)).toMatchObject({
      code: 'duplicate_request',
    });
    expect(h.evaluate(b, 'dept-a/data', 'statistics', 1000, grantedAt + 1000)).toMatchObject({ outcome: 'granted' });
  });
});

describe('overflow', () => {
  it('rejects registrations whose points would leave the safe integer range; the state is unchanged', () => {
    const big = { ...TEST_RULES.registerPoints, otherDataType: MAX_AMOUNT - 1 };
    const h = RulesHarness.given([a, b], { rules: rules({ registerPoints: big }) });
    const first = h.register(a, 'one');
    const second = h.register(a, 'two', { volumeBytes: 5000 });
    const third = h.register(a, 'three');
    h.closeBlock();

    expect(h.receiptOf(first)).toMatchObject({ kind: 'registered', points: MAX_AMOUNT - 1 });
    expect(h.receiptOf(second)).toMatchObject({ kind: 'rejected', code: 'amount_overflow' });
    expect(h.receiptOf(third)).toMatchObject({ kind: 'rejected', code: 'amount_overflow' });
    expect(accountOf(h.state, 'dept-a').score).toBe(MAX_AMOUNT - 1);
    expect(Object.keys(h.state.datasets)).toEqual(['dept-a/one']);
  });

  it('rejects a request whose price overflows and uses whose byte counter would overflow', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'pricey', { policy: odrlPolicy({ compensation: MAX_AMOUNT }) });
    h.register(a, 'open');
    h.register(b, 'b');
    h.closeBlock();
    const pricey = h.request(b, 'dept-a/pricey');
    const grant = h.request(b, 'dept-a/open');
    h.closeBlock();
    const full = h.use(a, grant, MAX_AMOUNT);
    const over = h.use(a, grant, 1);
    h.closeBlock();

    expect(h.receiptOf(pricey)).toMatchObject({ kind: 'rejected', code: 'amount_overflow' });
    expect(h.receiptOf(full)).toMatchObject({ kind: 'used', bytes: MAX_AMOUNT });
    expect(h.receiptOf(over)).toMatchObject({ kind: 'rejected', code: 'amount_overflow' });
    expect(findGrant(h.state, grant.txId)).toMatchObject({ accessesUsed: 1, bytesUsed: MAX_AMOUNT });
  });
});

describe('state persistence and replay', () => {
  it('round-trips through JSON and parseRulesState with the same digest, and replay from genesis gives the same digests', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data', { policy: odrlPolicy({ consent: true }) });
    h.register(b, 'b');
    h.closeBlock();
    h.request(b, 'dept-a/data');
    h.closeBlock();

    const reloaded = parseRulesState(JSON.parse(JSON.stringify(h.state)));
    expect(stateDigest(reloaded)).toBe(h.results[2].digest);
    const replayed = replay(h.blocks.map((closed) => ({ block: closed.block, config: closed.config })));
    expect(replayed.digests).toEqual(h.results.map((r) => r.digest));
  });

  it('rejects a persisted state that does not validate', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data');
    h.closeBlock();
    const json = JSON.parse(JSON.stringify(h.state));
    json.datasets['dept-a/data'].id = 'dept-a/other';
    expect(() => parseRulesState(json)).toThrow(
      expect.objectContaining({
        code: 'state.invalid',
        message: expect.stringContaining('holds the record of dept-a/other'),
      }),
    );
    expect(() =>
      parseRulesState({
        ...JSON.parse(JSON.stringify(h.state)),
        accounts: { 'dept-a': { balance: 5, held: 6, score: 10 } },
      }),
    ).toThrow(expect.objectContaining({ code: 'state.invalid' }));
    expect(() =>
      parseRulesState({
        ...JSON.parse(JSON.stringify(h.state)),
        accounts: { 'dept-a': { balance: 1, held: 1, score: 10 } },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'state.invalid',
        message: expect.stringContaining('holds 1 points, its pending requests 0'),
      }),
    );
    expect(() => parseRulesState({ v: 2 })).toThrow(expect.objectContaining({ code: 'state.invalid' }));
  });
});
