import { JsonObject } from '@accord/protocol';
import { isRulesError } from '../errors/rules.errors';
import { parseRuleParams, RuleParams } from '../params/rule-params.schema';
import { Receipt } from '../receipts/rules-receipt.events';
import { accountOf } from '../state/rules-state.queries';
import { initialRulesState, RulesState } from '../state/rules-state.schema';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { registration, TEST_RULES } from '../testing/rules.harness';
import { RulesCommand, TxContext } from './rules-command.parser';
import { decide, DecisionEnv } from './rules.decider';
import { evolve } from './rules.evolver';

// The decider on its own, as in oskardudycz/EventSourcing.NodeJS:
// Given(receipts) / When(command) / Then(receipts), no ledger, no mocks.
const params = (parseRuleParams(TEST_RULES) as { ok: true; params: RuleParams }).params;
const env: DecisionEnv = { params, members: new Set(['dept-a', 'dept-b']) };
let counter = 0;

function tx(from: string, time = 1000): TxContext {
  counter++;
  return { txId: counter.toString(16).padStart(64, '0'), from, height: 1, index: counter, time };
}

function given(...receipts: Receipt[]): RulesState {
  return receipts.reduce(evolve, initialRulesState());
}

function when(state: RulesState, command: RulesCommand): Receipt[] {
  return decide(command, state, env);
}

function registered(owner: string, name: string, policy: JsonObject = odrlPolicy()): Receipt {
  const [receipt] = when(initialRulesState(), {
    type: 'dataset.register',
    payload: registration(name, { policy }),
    tx: tx(owner),
  });
  return receipt;
}

describe('decide / evolve', () => {
  it('Given nothing, When dept-a registers, Then registered with 10 points; evolving it credits dept-a', () => {
    const [receipt] = when(given(), { type: 'dataset.register', payload: registration('traffic'), tx: tx('dept-a') });
    expect(receipt).toMatchObject({ kind: 'registered', dataset: 'dept-a/traffic', points: 10 });
    expect(accountOf(given(receipt), 'dept-a')).toEqual({ balance: 10, held: 0, score: 10 });
  });

  it('Given a dataset and a requester without points, When it requests, Then denied for points, and evolving the denial changes nothing', () => {
    const state = given(registered('dept-a', 'traffic'));
    const [receipt] = when(state, {
      type: 'access.request',
      payload: { dataset: 'dept-a/traffic', purpose: 'statistics', durationMs: 10 },
      tx: tx('dept-b'),
    });
    expect(receipt).toMatchObject({ kind: 'denied', code: 'insufficient_points', stage: 'request' });
    expect(evolve(state, receipt)).toEqual(state);
  });

  it('Given points on both sides, When dept-b requests a consent-bound dataset, Then pending; consent by dept-a grants it', () => {
    const state = given(registered('dept-a', 'traffic', odrlPolicy({ consent: true })), registered('dept-b', 'mine'));
    const request = tx('dept-b');
    const [pending] = when(state, {
      type: 'access.request',
      payload: { dataset: 'dept-a/traffic', purpose: 'statistics', durationMs: 10 },
      tx: request,
    });
    expect(pending).toMatchObject({ kind: 'pending', request: { held: 2 } });
    const [consented] = when(
      given(registered('dept-a', 'traffic', odrlPolicy({ consent: true })), registered('dept-b', 'mine'), pending),
      {
        type: 'access.consent',
        payload: { request: request.txId },
        tx: tx('dept-a', 2000),
      },
    );
    expect(consented).toMatchObject({ kind: 'consented', grant: { id: request.txId, expiresAt: 2010 } });
  });

  it('evolve never modifies its input and rejects a receipt that does not fit the state', () => {
    const state = given(registered('dept-a', 'traffic'));
    const copy = JSON.stringify(state);
    evolve(state, registered('dept-a', 'other'));
    expect(JSON.stringify(state)).toBe(copy);
    try {
      evolve(state, {
        kind: 'revoked',
        code: 'provider_revoked',
        grant: 'f'.repeat(64),
        reason: null,
        height: 1,
        time: 1,
        index: 0,
        txId: null,
        from: null,
      });
      throw new Error('expected a RulesError');
    } catch (error) {
      expect(isRulesError(error) && error.code).toBe('receipt.invalid');
    }
  });
});
