import { Attestation, signAttestation } from '@accord/protocol';
import { isLedgerCoreError } from '../errors/ledger-core.errors';
import { ChannelConfig } from '../governance/channel-config.schema';
import { LedgerHarness } from '../testing/ledger.harness';
import { TestMember, testMember } from '../testing/ledger-log.builder';
import { evaluateBlockFinality, evaluateStateAttestations } from './finality.evaluator';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');
const outsider = testMember('outsider');

const OURS = '11'.repeat(32);
const THEIRS = '22'.repeat(32);
const DIGEST = 'aa'.repeat(32);
const OTHER_DIGEST = 'bb'.repeat(32);

/** The configuration after a genesis block of the given kind (and optional extra policy). */
function configOf(
  kind: 'public' | 'alliance',
  members: readonly TestMember[],
  quorum?: 'all' | 'majority' | number,
): ChannelConfig {
  const h = new LedgerHarness();
  h.log.genesis(members[0], kind, members, { policy: quorum === undefined ? {} : { quorum } });
  h.closeBlock();
  return h.config;
}

function blockAtt(by: TestMember, blockHash = OURS, height = 5, channel = 'test-channel'): Attestation {
  return signAttestation({ v: 1, channel, height, blockHash, from: by.id, kind: 'block' }, by.signer);
}

function stateAtt(by: TestMember, stateDigest: string, blockHash = OURS, height = 5): Attestation {
  return signAttestation(
    { v: 1, channel: 'test-channel', height, blockHash, from: by.id, kind: 'state', stateDigest },
    by.signer,
  );
}

describe('block finality', () => {
  const alliance = configOf('alliance', [a, b, c]);

  it('Given an alliance (quorum all), Then a block is final only once every active member attested our hash', () => {
    const partial = evaluateBlockFinality({
      config: alliance,
      height: 5,
      blockHash: OURS,
      attestations: [blockAtt(a), blockAtt(b), blockAtt(a)],
    });
    expect(partial).toMatchObject({
      final: false,
      required: 3,
      attesters: ['dept-a', 'dept-b'],
      alerts: [],
      rejected: [],
    });
    const full = evaluateBlockFinality({
      config: alliance,
      height: 5,
      blockHash: OURS,
      attestations: [blockAtt(c), blockAtt(a), blockAtt(b)],
    });
    expect(full).toMatchObject({ final: true, attesters: ['dept-a', 'dept-b', 'dept-c'] });
  });

  it('Given a public channel (majority) or a fixed quorum, Then that many distinct members suffice', () => {
    const pub = configOf('public', [a, b, c, d]);
    expect(
      evaluateBlockFinality({ config: pub, height: 5, blockHash: OURS, attestations: [blockAtt(a), blockAtt(b)] }),
    ).toMatchObject({ final: false, required: 3 });
    expect(
      evaluateBlockFinality({
        config: pub,
        height: 5,
        blockHash: OURS,
        attestations: [blockAtt(a), blockAtt(b), blockAtt(d)],
      }),
    ).toMatchObject({ final: true });
    const fixed = configOf('alliance', [a, b, c], 2);
    expect(
      evaluateBlockFinality({ config: fixed, height: 5, blockHash: OURS, attestations: [blockAtt(c), blockAtt(b)] }),
    ).toMatchObject({ final: true, required: 2 });
  });

  it('raises a divergence alert for a member attesting another hash, and an equivocation alert for one attesting two', () => {
    const result = evaluateBlockFinality({
      config: alliance,
      height: 5,
      blockHash: OURS,
      attestations: [blockAtt(a), blockAtt(b, THEIRS), blockAtt(c), blockAtt(c, THEIRS)],
    });
    expect(result.final).toBe(false);
    expect(result.attesters).toEqual(['dept-a']);
    expect(result.alerts).toEqual([
      {
        id: 'block:test-channel:5:divergent:blockHash:dept-b',
        kind: 'block',
        reason: 'divergent',
        channel: 'test-channel',
        height: 5,
        member: 'dept-b',
        field: 'blockHash',
        expected: OURS,
        observed: [THEIRS],
      },
      {
        id: 'block:test-channel:5:equivocation:blockHash:dept-c',
        kind: 'block',
        reason: 'equivocation',
        channel: 'test-channel',
        height: 5,
        member: 'dept-c',
        field: 'blockHash',
        expected: OURS,
        observed: [OURS, THEIRS],
      },
      {
        id: 'block:test-channel:5:divergent:blockHash:dept-c',
        kind: 'block',
        reason: 'divergent',
        channel: 'test-channel',
        height: 5,
        member: 'dept-c',
        field: 'blockHash',
        expected: OURS,
        observed: [THEIRS],
      },
    ]);
  });

  it('leaves out attestations by non-members, with bad signatures, or for another channel, height or kind', () => {
    const forged = { ...blockAtt(b), sig: blockAtt(a).sig };
    const attestations = [
      blockAtt(outsider),
      forged,
      blockAtt(a, OURS, 5, 'other-channel'),
      blockAtt(a, OURS, 6),
      stateAtt(a, DIGEST),
      blockAtt(c),
    ];
    const result = evaluateBlockFinality({ config: alliance, height: 5, blockHash: OURS, attestations });
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'not_a_member',
      'bad_signature',
      'wrong_channel',
      'wrong_height',
      'wrong_kind',
    ]);
    expect(result.attesters).toEqual(['dept-c']);
    const trusted = evaluateBlockFinality({
      config: alliance,
      height: 5,
      blockHash: OURS,
      attestations: [forged],
      verify: 'trusted',
    });
    expect(trusted.attesters).toEqual(['dept-b']);
  });

  it('rejects bad arguments with a typed error', () => {
    for (const input of [
      { height: -1, blockHash: OURS },
      { height: 1, blockHash: 'xyz' },
    ]) {
      try {
        evaluateBlockFinality({ config: alliance, attestations: [], ...input });
        throw new Error('expected finality.invalid');
      } catch (error) {
        expect(isLedgerCoreError(error) && error.code).toBe('finality.invalid');
      }
    }
  });
});

describe('state attestations', () => {
  const alliance = configOf('alliance', [a, b, c]);

  it('agrees on a digest attested by the quorum, and flags members whose digest differs from ours', () => {
    const agreed = evaluateStateAttestations({
      config: alliance,
      height: 5,
      blockHash: OURS,
      expectedDigest: DIGEST,
      attestations: [stateAtt(a, DIGEST), stateAtt(b, DIGEST), stateAtt(c, DIGEST)],
    });
    expect(agreed).toMatchObject({
      agreed: DIGEST,
      required: 3,
      alerts: [],
      digests: [{ stateDigest: DIGEST, members: ['dept-a', 'dept-b', 'dept-c'] }],
    });

    const diverged = evaluateStateAttestations({
      config: alliance,
      height: 5,
      blockHash: OURS,
      expectedDigest: DIGEST,
      attestations: [stateAtt(a, DIGEST), stateAtt(b, OTHER_DIGEST), stateAtt(c, DIGEST, THEIRS)],
    });
    expect(diverged.agreed).toBeNull();
    expect(diverged.alerts.map((al) => [al.reason, al.member, al.field, al.observed])).toEqual([
      ['divergent', 'dept-c', 'blockHash', [THEIRS]],
      ['divergent', 'dept-b', 'stateDigest', [OTHER_DIGEST]],
    ]);
  });

  it('without a digest of our own, reports a split and equivocation', () => {
    const result = evaluateStateAttestations({
      config: alliance,
      height: 5,
      blockHash: OURS,
      attestations: [
        stateAtt(a, DIGEST),
        stateAtt(b, OTHER_DIGEST),
        stateAtt(c, DIGEST),
        stateAtt(c, OTHER_DIGEST),
        blockAtt(a),
      ],
    });
    expect(result.rejected.map((r) => r.reason)).toEqual(['wrong_kind']);
    expect(result.alerts.map((al) => [al.reason, al.member])).toEqual([
      ['equivocation', 'dept-c'],
      ['split', null],
    ]);
    expect(result.digests).toEqual([
      { stateDigest: DIGEST, members: ['dept-a'] },
      { stateDigest: OTHER_DIGEST, members: ['dept-b'] },
    ]);
  });
});
