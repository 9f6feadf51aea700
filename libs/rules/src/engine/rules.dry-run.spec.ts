import type { JsonObject } from '@accord/protocol';
import { Receipt } from '../receipts/rules-receipt.events';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { RulesHarness, testMember, TestMember } from '../testing/rules.harness';
import { RulesTxPayloads, RulesTxType } from '../tx/rules-tx.schema';
import { dryRun, rejectionOf } from './rules.dry-run';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const PLACEHOLDER = '0'.repeat(64);

/** Given: dept-a offers `dept-a/data` (consent required) and dept-b `dept-b/mine`; dept-b asked for dept-a/data (pending). */
function given(): { h: RulesHarness; request: string } {
  const h = RulesHarness.given([a, b, c]);
  h.register(a, 'data', { policy: odrlPolicy({ consent: true }) });
  h.register(b, 'mine');
  h.closeBlock();
  const request = h.request(b, 'dept-a/data', 'statistics', 50_000).txId;
  h.closeBlock();
  return { h, request };
}

function outcome(receipts: readonly Receipt[]): string[] {
  return receipts.map((r) => `${r.kind}:${r.code}`);
}

/** What the dry run says, then what the block says for the same tx submitted for real. */
function dryThenReal<T extends RulesTxType>(
  h: RulesHarness,
  from: TestMember,
  type: T,
  payload: RulesTxPayloads[T],
): { dry: string[]; real: string[] } {
  const before = structuredClone(h.state);
  const dry = dryRun(h.state, h.ledger.config, { type, from: from.id, payload, txId: PLACEHOLDER }, h.state.time);
  expect(h.state).toEqual(before); // a dry run changes nothing
  const tx = h.tx(from, type, payload);
  h.closeBlock();
  return { dry: outcome(dry), real: outcome(h.receiptsOf(tx)) };
}

describe('dryRun: the decider on the current state, nothing applied', () => {
  it.each<[string, TestMember, RulesTxType, (request: string) => JsonObject, string]>([
    [
      'a consent by a department that is not the provider',
      c,
      'access.consent',
      (r) => ({ request: r }),
      'rejected:not_provider',
    ],
    ['a refusal by the requester', b, 'access.refuse', (r) => ({ request: r }), 'rejected:not_provider'],
    ['a cancel by the provider', a, 'access.cancel', (r) => ({ request: r }), 'rejected:not_requester'],
    [
      'a revoke of a request that was never granted',
      a,
      'access.revoke',
      (r) => ({ grant: r }),
      'rejected:unknown_grant',
    ],
    [
      'a request for an unknown dataset',
      c,
      'access.request',
      () => ({ dataset: 'dept-a/none', purpose: 'statistics', durationMs: 10 }),
      'rejected:unknown_dataset',
    ],
    [
      'a request for its own dataset',
      b,
      'access.request',
      () => ({ dataset: 'dept-b/mine', purpose: 'statistics', durationMs: 10 }),
      'rejected:own_dataset',
    ],
    [
      'a second pending request for the same dataset',
      b,
      'access.request',
      () => ({ dataset: 'dept-a/data', purpose: 'statistics', durationMs: 10 }),
      'rejected:duplicate_request',
    ],
    [
      'a consent with a malformed payload',
      a,
      'access.consent',
      () => ({ request: 'not-an-id' }),
      'rejected:invalid_payload',
    ],
    ['a consent by the provider', a, 'access.consent', (r) => ({ request: r }), 'consented:ok'],
    ['a cancel by the requester', b, 'access.cancel', (r) => ({ request: r }), 'cancelled:requester_cancelled'],
    ['a refusal by the provider', a, 'access.refuse', (r) => ({ request: r }), 'refused:provider_refused'],
  ])('refuses exactly what the rules refuse: %s', (_, from, type, payload, expected) => {
    const { h, request } = given();
    const { dry, real } = dryThenReal(h, from, type, payload(request) as never);
    expect(dry).toEqual([expected]);
    expect(real).toEqual(dry);
  });

  it('a decided request can no longer be consented, nor its grant revoked twice', () => {
    const { h, request } = given();
    h.consent(a, { txId: request } as never);
    h.closeBlock();
    expect(dryThenReal(h, a, 'access.consent', { request })).toEqual({
      dry: ['rejected:request_not_pending'],
      real: ['rejected:request_not_pending'],
    });
    expect(dryThenReal(h, a, 'access.revoke', { grant: request })).toEqual({
      dry: ['revoked:provider_revoked'],
      real: ['revoked:provider_revoked'],
    });
    expect(dryThenReal(h, a, 'access.revoke', { grant: request })).toEqual({
      dry: ['rejected:grant_not_active'],
      real: ['rejected:grant_not_active'],
    });
  });

  it("runs the next block's expiries first: a request past its end cannot be consented", () => {
    const { h, request } = given();
    const later = h.state.time + 10_001; // TEST_RULES.requestExpiryMs = 10 000
    const onState = dryRun(
      h.state,
      h.ledger.config,
      { type: 'access.consent', from: a.id, payload: { request }, txId: PLACEHOLDER },
      h.state.time,
    );
    expect(outcome(onState)).toEqual(['consented:ok']);
    const dry = dryRun(
      h.state,
      h.ledger.config,
      { type: 'access.consent', from: a.id, payload: { request }, txId: PLACEHOLDER },
      later,
    );
    expect(rejectionOf(dry)).toMatchObject({
      code: 'request_not_pending',
      message: `request ${request} is expired, not pending`,
    });
    h.advance(10_001);
    const tx = h.consent(a, { txId: request } as never);
    h.closeBlock();
    expect(outcome(h.receiptsOf(tx))).toEqual(outcome(dry));
  });

  it('never decides before the state time, and finds no rejection in an accepted outcome', () => {
    const { h, request } = given();
    const receipts = dryRun(
      h.state,
      h.ledger.config,
      { type: 'access.consent', from: a.id, payload: { request }, txId: PLACEHOLDER },
      0,
    );
    expect(receipts).toEqual([
      expect.objectContaining({ kind: 'consented', time: h.state.time, height: h.state.height + 1 }),
    ]);
    expect(rejectionOf(receipts)).toBeUndefined();
  });
});
