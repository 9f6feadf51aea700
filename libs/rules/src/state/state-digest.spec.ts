import { canonicalize, sha256Hex } from '@accord/protocol';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { RulesHarness, testMember } from '../testing/rules.harness';
import { RulesState } from './rules-state.schema';
import { recordDigest, stateDigest } from './state-digest';

const a = testMember('dept-a');
const b = testMember('dept-b');

/** Reference: the documented definition spelled out without caches. */
function referenceDigest(state: RulesState): string {
  const hashes = (records: Record<string, object>) =>
    Object.fromEntries(
      Object.entries(records).map(([id, record]) => [id, sha256Hex(Buffer.from(canonicalize(record)))]),
    );
  const projection = {
    ...state,
    datasets: hashes(state.datasets),
    requests: hashes(state.requests),
    grants: hashes(state.grants),
  };
  return sha256Hex(Buffer.from(canonicalize(projection)));
}

function reversed<T>(records: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(records).reverse());
}

function sample(): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'one', { policy: odrlPolicy({ consent: true }) });
  h.register(a, 'two');
  h.register(b, 'three');
  h.closeBlock();
  h.request(b, 'dept-a/one');
  h.request(b, 'dept-a/two');
  h.closeBlock();
  return h;
}

describe('stateDigest', () => {
  it('is SHA-256 of the JCS of the state with each record replaced by its own digest', () => {
    const { state } = sample();
    expect(stateDigest(state)).toBe(referenceDigest(state));
    const [id, record] = Object.entries(state.grants)[0];
    expect(recordDigest(record)).toBe(sha256Hex(Buffer.from(canonicalize(state.grants[id]))));
  });

  it('does not depend on the order records were inserted in', () => {
    const { state } = sample();
    const shuffled: RulesState = {
      ...state,
      accounts: reversed(state.accounts),
      datasets: reversed(state.datasets),
      requests: reversed(state.requests),
      grants: reversed(state.grants),
    };
    expect(Object.keys(shuffled.datasets)).not.toEqual(Object.keys(state.datasets));
    expect(stateDigest(shuffled)).toBe(stateDigest(state));
  });

  it('changes with any field of any record', () => {
    const { state } = sample();
    const [id, grant] = Object.entries(state.grants)[0];
    const changed: RulesState = {
      ...state,
      grants: { ...state.grants, [id]: { ...grant, bytesUsed: grant.bytesUsed + 1 } },
    };
    expect(stateDigest(changed)).not.toBe(stateDigest(state));
    expect(stateDigest({ ...state, height: state.height + 1 })).not.toBe(stateDigest(state));
  });
});
