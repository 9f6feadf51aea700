import { disagreements } from './agreement';
import { canonicalJson, type DepartmentState } from './department-state';

const TIME = Date.parse('2026-12-05T01:00:00.000Z');

function state(department: string, overrides: Partial<DepartmentState> = {}): DepartmentState {
  return {
    department,
    ledger: { height: 7, blockHash: 'h7', time: TIME, finalHeight: 7 },
    contracts: { height: 7, blockHash: 'h7', digest: 'd7' },
    catalog: { modified: TIME, datasets: ['transport/video'], digest: 'c1' },
    gateway: { records: [], objects: [] },
    ...overrides,
  };
}

describe('disagreements between department states', () => {
  it('finds none when every department holds the same final head, digest and directory', () => {
    expect(disagreements([state('a'), state('b'), state('c')])).toEqual([]);
  });

  it('names the departments on each side of a different head hash', () => {
    const forked = state('c', { ledger: { height: 7, blockHash: 'other', time: TIME, finalHeight: 7 } });
    expect(disagreements([state('a'), state('b'), forked])).toEqual(['head hash differs: a, b → "h7"; c → "other"']);
  });

  it('reports a head that is not final yet', () => {
    const behind = state('b', { ledger: { height: 7, blockHash: 'h7', time: TIME, finalHeight: 6 } });
    expect(disagreements([state('a'), behind])).toEqual(['b: head 7 is not final (final height 6)']);
  });

  it('reports a contracts service that has not applied the head, and its other digest', () => {
    const lagging = state('b', { contracts: { height: 6, blockHash: 'h6', digest: 'd6' } });
    expect(disagreements([state('a'), lagging])).toEqual([
      'b: contracts applied height 6, ledger head 7',
      'contracts state digest differs: a → "d7"; b → "d6"',
    ]);
  });

  it('reports a catalog behind the head and a different directory', () => {
    const earlier = Date.parse('2026-12-05T00:59:00.000Z');
    const lagging = state('b', { catalog: { modified: earlier, datasets: [], digest: 'c0' } });
    expect(disagreements([state('a'), lagging])).toEqual([
      'b: catalog applied a block of 2026-12-05T00:59:00.000Z, ledger head is of 2026-12-05T01:00:00.000Z',
      'catalog directory differs: a → "c1"; b → "c0"',
    ]);
  });

  it('reports a service that does not answer', () => {
    const { contracts: _gone, ...rest } = state('b');
    const problems = disagreements([state('a'), rest]);
    expect(problems).toContain('b: the contracts does not answer');
    expect(problems).toContain('contracts state digest differs: a → "d7"; b → null');
  });

  it('reports a ledger without any block', () => {
    const empty = state('a', { ledger: { height: null, blockHash: null, time: null, finalHeight: null } });
    expect(disagreements([empty])).toContain('a: the ledger has no block yet');
  });
});

describe('canonicalJson', () => {
  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps array order, which is part of the value', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});
