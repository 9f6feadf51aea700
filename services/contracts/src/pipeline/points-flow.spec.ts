import { accountOf, type Receipt } from '@accord/rules';
import { odrlPolicy, RulesHarness, testMember } from '@accord/rules/testing';
import { pointsFlowOf, type PointsFlow } from './points-flow';

const a = testMember('dept-a');
const b = testMember('dept-b');

/** Given: dept-a offers `dept-a/data` (consent required when asked, compensation 4); dept-b has 10 points. */
function given(consent: boolean): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'data', { policy: odrlPolicy({ consent, compensation: 4 }) });
  h.register(b, 'b-0');
  h.closeBlock();
  return h;
}

function flowsOf(h: RulesHarness, receipts: readonly Receipt[]): [PointsFlow, number][] {
  return receipts.flatMap((r) => pointsFlowOf(r, h.state));
}

describe('pointsFlowOf', () => {
  it('Given registrations, Then their rewards are minted to the owners', () => {
    const h = RulesHarness.given([a, b]);
    h.register(a, 'data');
    h.register(b, 'b-0');
    const { receipts } = h.closeBlock();
    expect(flowsOf(h, receipts)).toEqual([
      ['registration_reward', 10],
      ['registration_reward', 10],
    ]);
  });

  it('Given an automatic grant and a use, Then the price splits into compensation and burned fee, and the use earns its reward', () => {
    const h = given(false);
    const request = h.request(b, 'dept-a/data');
    const granted = h.closeBlock().receipts;
    h.use(a, request);
    const used = h.closeBlock().receipts;
    expect(flowsOf(h, granted)).toEqual([
      ['compensation', 4],
      ['fee_burned', 2],
    ]);
    expect(flowsOf(h, used)).toEqual([['use_reward', 1]]);
    // What the flows say matches the accounts: dept-b paid 6, dept-a earned 10 + 4 + 1.
    expect(accountOf(h.state, 'dept-b').balance).toBe(10 - 6);
    expect(accountOf(h.state, 'dept-a').balance).toBe(10 + 4 + 1);
  });

  it("Given a request waiting for consent, Then its price is held, and the consent's price is read from the request record", () => {
    const h = given(true);
    const request = h.request(b, 'dept-a/data');
    const pending = h.closeBlock().receipts;
    h.consent(a, request);
    const consented = h.closeBlock().receipts;
    expect(flowsOf(h, pending)).toEqual([['held', 6]]);
    expect(flowsOf(h, consented)).toEqual([
      ['compensation', 4],
      ['fee_burned', 2],
    ]);
  });

  it('Given a pending request the provider refuses, Then the held points are refunded', () => {
    const h = given(true);
    const request = h.request(b, 'dept-a/data');
    h.closeBlock();
    h.tx(a, 'access.refuse', { request: request.txId, reason: 'not now' });
    const refused = h.closeBlock().receipts;
    expect(flowsOf(h, refused)).toEqual([['refunded', 6]]);
  });

  it('Given a rejected tx, Then no points move', () => {
    const h = given(false);
    h.request(b, 'dept-b/b-0');
    const { receipts } = h.closeBlock();
    expect(receipts.map((r) => r.kind)).toEqual(['rejected']);
    expect(flowsOf(h, receipts)).toEqual([]);
  });
});
