import { quorumSize, tallyVotes } from './governance.queries';
import { DEFAULT_POLICY, policyBoundsViolation, policyWithinBounds } from './governance-tx.schema';

describe('governance arithmetic', () => {
  it('sizes quorums: all, majority (more than half), fixed numbers capped at the active members, at least one', () => {
    expect([1, 2, 3, 4, 5].map((n) => quorumSize('all', n))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 5].map((n) => quorumSize('majority', n))).toEqual([1, 2, 2, 3, 3]);
    expect([1, 2, 3, 4, 5].map((n) => quorumSize(3, n))).toEqual([1, 2, 3, 3, 3]);
    expect(quorumSize('all', 0)).toBe(1);
  });

  it('tallies votes of active members only: approve when yes > n/2, reject when no >= n/2', () => {
    const active = new Set(['a', 'b', 'c', 'd']);
    const tally = tallyVotes(
      [
        { member: 'a', approve: true },
        { member: 'x', approve: true },
        { member: 'b', approve: false },
      ],
      active,
    );
    expect(tally).toEqual({ yes: 1, no: 1, activeMembers: 4, approveAt: 3, rejectAt: 2 });
    expect(tallyVotes([], new Set(['a', 'b', 'c']))).toMatchObject({ approveAt: 2, rejectAt: 2 });
  });

  it('checks policy bounds and a fixed quorum against the member count', () => {
    const policy = { ...DEFAULT_POLICY, quorum: 'all' as const };
    expect(policyWithinBounds(policy, 1)).toBe(true);
    expect(policyWithinBounds({ ...policy, maxTxPerBlock: 0 }, 1)).toBe(false);
    expect(policyWithinBounds({ ...policy, maxBlockBytes: 1023 }, 1)).toBe(false);
    expect(policyWithinBounds({ ...policy, votingWindowBlocks: 1_000_001 }, 1)).toBe(false);
    expect(policyWithinBounds({ ...policy, quorum: 2 }, 2)).toBe(true);
    expect(policyWithinBounds({ ...policy, quorum: 3 }, 2)).toBe(false);
  });

  it('names the field of a policy out of bounds and why', () => {
    const policy = { ...DEFAULT_POLICY, quorum: 'all' as const };
    expect(policyBoundsViolation(policy, 1)).toBeUndefined();
    expect(policyBoundsViolation({ ...policy, maxTxBytes: 10 }, 1)).toEqual({
      field: 'maxTxBytes',
      message: 'policy.maxTxBytes must be from 1024 to 16777216',
    });
    expect(policyBoundsViolation({ ...policy, quorum: 3 }, 2)).toEqual({
      field: 'quorum',
      message: 'policy.quorum 3 is more than the 2 active member(s)',
    });
  });
});
