import {
  canonicalBytes,
  computeTxId,
  ed25519Signer,
  encodeEnvelope,
  generateMemberKeys,
  JsonObject,
  signTx,
  TxEnvelope,
} from '@accord/protocol';
import { deterministicRandom, TestMember, testMember } from '@accord/protocol/testing';
import { encodeCutMarker, LogRecord } from '../block/log-record.parser';
import type { ChannelKind, ChannelPolicy } from '../governance/governance-tx.schema';

export { testMember };
export type { TestMember };

/** The same member id with a fresh, reproducible key set (for key rotation tests). */
export function rotatedMember(member: TestMember, generation = 1): TestMember {
  const keys = generateMemberKeys(deterministicRandom(`accord-test-member:${member.id}:rotation:${generation}`));
  return { id: member.id, keys, signer: ed25519Signer(keys.ed25519.privateKey) };
}

export interface AppendedTx {
  readonly envelope: TxEnvelope;
  readonly txId: string;
  readonly offset: number;
}

export interface TestTxOptions {
  readonly nonce?: number;
  readonly channel?: string;
  /** Sign with another member's key (forgery). */
  readonly signedBy?: TestMember;
}

/**
 * Writes a channel's tx topic for tests: signed txs, governance txs, cut
 * markers and garbage, each with the next offset and a log time one
 * millisecond later. Nonces count up per member id unless given.
 */
export class TestLog {
  readonly records: LogRecord[] = [];
  private readonly nonces = new Map<string, number>();
  private offset = 0;
  private time = 1_700_000_000_000;

  constructor(readonly channel = 'test-channel') {}

  tx(
    from: TestMember,
    type = 'test.note',
    payload: JsonObject = { note: 'hello' },
    options: TestTxOptions = {},
  ): AppendedTx {
    const nonce = options.nonce ?? this.nonces.get(from.id) ?? 0;
    this.nonces.set(from.id, Math.max(nonce + 1, this.nonces.get(from.id) ?? 0));
    const envelope = signTx(
      { v: 1, channel: options.channel ?? this.channel, type, from: from.id, nonce, ts: this.time, payload },
      (options.signedBy ?? from).signer,
    );
    const offset = this.append('tx', encodeEnvelope(envelope));
    return { envelope, txId: computeTxId(envelope.body), offset };
  }

  genesis(
    from: TestMember,
    kind: ChannelKind,
    members: readonly TestMember[],
    options: { owner?: string; policy?: Partial<ChannelPolicy> } = {},
  ): AppendedTx {
    const payload = {
      kind,
      ...(options.owner === undefined ? {} : { owner: options.owner }),
      members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
      policy: options.policy ?? {},
    };
    return this.tx(from, 'channel.genesis', payload as JsonObject);
  }

  joinRequest(applicant: TestMember, options: TestTxOptions = {}): AppendedTx {
    return this.tx(applicant, 'member.join.request', keysOf(applicant), options);
  }

  joinVote(voter: TestMember, proposal: string, approve: boolean, options: TestTxOptions = {}): AppendedTx {
    return this.tx(voter, 'member.join.vote', { proposal, approve }, options);
  }

  joinApprove(owner: TestMember, proposal: string, approve: boolean, options: TestTxOptions = {}): AppendedTx {
    return this.tx(owner, 'member.join.approve', { proposal, approve }, options);
  }

  leave(member: TestMember, options: TestTxOptions = {}): AppendedTx {
    return this.tx(member, 'member.leave', {}, options);
  }

  rotateKeys(member: TestMember, next: TestMember, options: TestTxOptions = {}): AppendedTx {
    return this.tx(member, 'member.key.rotate', keysOf(next), options);
  }

  proposePolicy(member: TestMember, policy: ChannelPolicy, options: TestTxOptions = {}): AppendedTx {
    return this.tx(member, 'policy.change.propose', { policy } as JsonObject, options);
  }

  policyVote(voter: TestMember, proposal: string, approve: boolean, options: TestTxOptions = {}): AppendedTx {
    return this.tx(voter, 'policy.change.vote', { proposal, approve }, options);
  }

  cut(height: number, options: { channel?: string; from?: string } = {}): number {
    return this.append(
      'cut',
      encodeCutMarker({ channel: options.channel ?? this.channel, height, from: options.from ?? 'cutter' }),
    );
  }

  /** Any bytes as a tx record (garbage, non-canonical JSON, ...). */
  rawTx(bytes: Uint8Array | string): number {
    return this.append('tx', typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  rawCut(bytes: Uint8Array | string): number {
    return this.append('cut', typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  /** A canonical JSON value as a tx record. */
  jsonTx(value: unknown): number {
    return this.append('tx', canonicalBytes(value));
  }

  /** Log time goes on by `ms` before the next record (may be negative: broker clocks step back). */
  advance(ms: number): void {
    this.time += ms;
  }

  /** Leaves a gap in the offsets, as compaction or transaction markers do. */
  skipOffsets(n: number): void {
    this.offset += n;
  }

  private append(kind: 'tx' | 'cut', value: Uint8Array): number {
    const offset = this.offset++;
    this.time += 1;
    this.records.push({ offset, timestamp: this.time, kind, value });
    return offset;
  }
}

function keysOf(member: TestMember): JsonObject {
  return { ed25519: member.keys.ed25519.publicKey, x25519: member.keys.x25519.publicKey };
}
