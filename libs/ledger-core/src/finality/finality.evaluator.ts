import { Attestation, hashHexSchema, uintSchema, verifyAttestation } from '@accord/protocol';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import type { ChannelConfig } from '../governance/channel-config.schema';
import { finalityQuorum } from '../governance/governance.queries';
import type { AttestationRejection, ForkAlert } from './fork-alert.events';

/** Checks an attestation signature: Ed25519 by `publicKeyHex` over SHA-256(JCS(body)). */
export type AttestationSignatureVerifier = (attestation: Attestation, publicKeyHex: string) => boolean;

export interface BlockFinalityInput {
  /**
   * The configuration block `height` produced (ClosedBlock.config): its active
   * members are the possible attesters, its policy gives the quorum, its keys
   * (rotations of that block applied) check the signatures.
   */
  readonly config: ChannelConfig;
  readonly height: number;
  /** Our hash of block `height`. */
  readonly blockHash: string;
  /** Everything received for this channel and height (other kinds are rejected as `wrong_kind`). */
  readonly attestations: readonly Attestation[];
  /** Signature check; 'trusted' when the caller already checked with the same keys. */
  readonly verify?: AttestationSignatureVerifier | 'trusted';
}

export interface RejectedAttestation {
  readonly attestation: Attestation;
  readonly reason: AttestationRejection;
}

export interface BlockFinality {
  readonly height: number;
  readonly blockHash: string;
  readonly final: boolean;
  /** Distinct attestations needed. */
  readonly required: number;
  /** Active members attesting our hash (and nothing else), sorted. */
  readonly attesters: readonly string[];
  readonly alerts: readonly ForkAlert[];
  readonly rejected: readonly RejectedAttestation[];
}

/**
 * Decides whether a block is final: at least the quorum of distinct active
 * members attested our hash. A member that attests another hash is
 * `divergent`; one that attests two hashes is `equivocation` and does not
 * count towards finality even if one of them is ours.
 */
export function evaluateBlockFinality(input: BlockFinalityInput): BlockFinality {
  checkInput(input.height, input.blockHash);
  const { config, height, blockHash } = input;
  const { accepted, rejected } = screen(input.attestations, config, height, 'block', input.verify);
  const seen = groupByMember(accepted, (a) => a.body.blockHash);
  const alerts: ForkAlert[] = [];
  const attesters: string[] = [];
  for (const [member, hashes] of seen) {
    if (hashes.length > 1)
      alerts.push(alert('block', 'equivocation', config.channel, height, member, 'blockHash', blockHash, hashes));
    const others = hashes.filter((h) => h !== blockHash);
    if (others.length > 0)
      alerts.push(alert('block', 'divergent', config.channel, height, member, 'blockHash', blockHash, others));
    else attesters.push(member);
  }
  const required = finalityQuorum(config);
  return { height, blockHash, final: attesters.length >= required, required, attesters, alerts, rejected };
}

export interface StateAgreementInput {
  readonly config: ChannelConfig;
  readonly height: number;
  /** Our hash of block `height`: state attestations about another block are divergent. */
  readonly blockHash: string;
  /** Our own contracts' digest after the block, when known. */
  readonly expectedDigest?: string;
  readonly attestations: readonly Attestation[];
  readonly verify?: AttestationSignatureVerifier | 'trusted';
}

export interface StateAgreement {
  readonly height: number;
  /** Each digest attested for our block and by whom, sorted by digest. */
  readonly digests: readonly { readonly stateDigest: string; readonly members: readonly string[] }[];
  /** The one digest a quorum of active members agrees on, if any. */
  readonly agreed: string | null;
  readonly required: number;
  readonly alerts: readonly ForkAlert[];
  readonly rejected: readonly RejectedAttestation[];
}

/**
 * Compares the contracts' state digests attested for one height. With our
 * own digest, every other digest is `divergent`; without it, more than one
 * digest is a `split`. A member attesting two digests is `equivocation`.
 */
export function evaluateStateAttestations(input: StateAgreementInput): StateAgreement {
  checkInput(input.height, input.blockHash);
  const { config, height, blockHash, expectedDigest } = input;
  if (expectedDigest !== undefined && !hashHexSchema.safeParse(expectedDigest).success) {
    throw new LedgerCoreError('finality.invalid', 'expectedDigest must be a 32-byte lowercase hex hash');
  }
  const { accepted, rejected } = screen(input.attestations, config, height, 'state', input.verify);
  const alerts: ForkAlert[] = [];
  const onOurBlock: Attestation[] = [];
  for (const a of accepted) {
    if (a.body.blockHash === blockHash) onOurBlock.push(a);
  }
  for (const [member, hashes] of groupByMember(accepted, (a) => a.body.blockHash)) {
    const others = hashes.filter((h) => h !== blockHash);
    if (others.length > 0)
      alerts.push(alert('state', 'divergent', config.channel, height, member, 'blockHash', blockHash, others));
  }
  const byDigest = new Map<string, string[]>();
  for (const [member, digests] of groupByMember(onOurBlock, (a) =>
    a.body.kind === 'state' ? a.body.stateDigest : '',
  )) {
    if (digests.length > 1) {
      alerts.push(
        alert('state', 'equivocation', config.channel, height, member, 'stateDigest', expectedDigest ?? null, digests),
      );
      continue;
    }
    const digest = digests[0];
    if (expectedDigest !== undefined && digest !== expectedDigest) {
      alerts.push(alert('state', 'divergent', config.channel, height, member, 'stateDigest', expectedDigest, [digest]));
    }
    const members = byDigest.get(digest) ?? [];
    members.push(member);
    byDigest.set(digest, members);
  }
  const digests = [...byDigest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([stateDigest, members]) => ({ stateDigest, members }));
  if (expectedDigest === undefined && digests.length > 1) {
    alerts.push(
      alert(
        'state',
        'split',
        config.channel,
        height,
        null,
        'stateDigest',
        null,
        digests.map((d) => d.stateDigest),
      ),
    );
  }
  const required = finalityQuorum(config);
  const agreeing = digests.filter((d) => d.members.length >= required);
  return {
    height,
    digests,
    agreed: agreeing.length === 1 ? agreeing[0].stateDigest : null,
    required,
    alerts,
    rejected,
  };
}

function checkInput(height: number, blockHash: string): void {
  if (!uintSchema.safeParse(height).success)
    throw new LedgerCoreError('finality.invalid', `height must be a non-negative integer, got ${String(height)}`);
  if (!hashHexSchema.safeParse(blockHash).success)
    throw new LedgerCoreError('finality.invalid', 'blockHash must be a 32-byte lowercase hex hash');
}

/** Keeps attestations of the right channel, height and kind by active members with a valid signature. */
function screen(
  attestations: readonly Attestation[],
  config: ChannelConfig,
  height: number,
  kind: 'block' | 'state',
  verify: AttestationSignatureVerifier | 'trusted' | undefined,
): { accepted: Attestation[]; rejected: RejectedAttestation[] } {
  const keys = new Map<string, string>();
  for (const m of config.members) if (m.status === 'active') keys.set(m.id, m.ed25519);
  const check = verify ?? verifyAttestation;
  const accepted: Attestation[] = [];
  const rejected: RejectedAttestation[] = [];
  for (const attestation of attestations) {
    const { body } = attestation;
    const reason: AttestationRejection | undefined =
      body.channel !== config.channel
        ? 'wrong_channel'
        : body.height !== height
          ? 'wrong_height'
          : body.kind !== kind
            ? 'wrong_kind'
            : !keys.has(body.from)
              ? 'not_a_member'
              : check !== 'trusted' && !check(attestation, keys.get(body.from) as string)
                ? 'bad_signature'
                : undefined;
    if (reason === undefined) accepted.push(attestation);
    else rejected.push({ attestation, reason });
  }
  return { accepted, rejected };
}

/** Distinct values per member, members sorted by id, values sorted. */
function groupByMember(attestations: readonly Attestation[], value: (a: Attestation) => string): [string, string[]][] {
  const byMember = new Map<string, Set<string>>();
  for (const a of attestations) {
    let values = byMember.get(a.body.from);
    if (values === undefined) {
      values = new Set();
      byMember.set(a.body.from, values);
    }
    values.add(value(a));
  }
  return [...byMember.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([member, values]) => [member, [...values].sort()]);
}

function alert(
  kind: ForkAlert['kind'],
  reason: ForkAlert['reason'],
  channel: string,
  height: number,
  member: string | null,
  field: ForkAlert['field'],
  expected: string | null,
  observed: readonly string[],
): ForkAlert {
  return {
    id: `${kind}:${channel}:${height}:${reason}:${field}:${member ?? '*'}`,
    kind,
    reason,
    channel,
    height,
    member,
    field,
    expected,
    observed,
  };
}
