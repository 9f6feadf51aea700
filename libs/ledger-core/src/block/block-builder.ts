import {
  Block,
  BlockHeader,
  blockHeaderSchema,
  computeBlockHash,
  GENESIS_PREV_HASH,
  MerkleTree,
  parseWithSchema,
  toHex,
  TxEntry,
  TxEnvelope,
  ValidityCode,
} from '@accord/protocol';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import { ChannelConfig, LogPosition } from '../governance/channel-config.schema';
import { GovernanceEvent, KeyChange } from '../governance/governance.events';
import {
  isGovernanceTxType,
  parseGovernancePayload,
  PRE_GENESIS_LIMITS,
  DEFAULT_POLICY,
} from '../governance/governance-tx.schema';
import { keyChangeOf, publishedEvent } from '../governance/governance-change.events';
import { governanceCommand } from '../governance/governance.commands';
import { decide, GovernanceDecision } from '../governance/governance.decider';
import { applyChange, draftOf, GovernanceDraft } from '../governance/governance.evolver';
import { GovernanceState, governanceStateOf, resolveSigner, toChannelConfig } from '../governance/governance.state';
import { BuilderSnapshot, builderSnapshotSchema } from './builder-snapshot.schema';
import { isPreparedRecord, LogRecord, ParsedTx, PreparedRecord, prepareRecord } from './log-record.parser';
import { InMemoryNonceRegistry, NonceRegistry } from './nonce-registry.port';
import { TxSignatureVerifier, verifyTxSignature } from './signature.port';
import { envelopeLeafHash, rawLeafHash } from './tx-leaf.hasher';

export interface BlockBuilderOptions {
  /** Signature check (default: in-process Ed25519). */
  readonly verify?: TxSignatureVerifier;
  /** Used (from, nonce) pairs (default: a fresh in-memory registry; must match the snapshot on restart). */
  readonly nonces?: NonceRegistry;
}

/** A block the builder closed, with everything the service stores alongside it. */
export interface ClosedBlock {
  readonly block: Block;
  /** txId of each tx in block order; null for raw entries. */
  readonly txIds: readonly (string | null)[];
  /** RFC 6962 leaf hash of each tx (for proofs without re-serialising). */
  readonly leafHashes: readonly Uint8Array[];
  /** Configuration after this block; null while no genesis took effect. */
  readonly config: ChannelConfig | null;
  readonly events: readonly GovernanceEvent[];
  /** Key changes for a KeyHistory (persist them to resolve keys at any height later). */
  readonly keyChanges: readonly KeyChange[];
  /** Snapshot to persist with the block: resuming from it rebuilds the next block identically. */
  readonly snapshot: BuilderSnapshot;
}

/** The block being filled, for the service's cut timer. */
export interface OpenBlockInfo {
  readonly height: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly txCount: number;
  readonly bytes: number;
}

/** Limits in force for the open block (the policy of the last closed block, or defaults before genesis). */
export interface BlockLimits {
  readonly maxTxPerBlock: number;
  readonly maxBlockBytes: number;
  readonly maxTxBytes: number;
  readonly batchTimeoutMs: number;
}

interface OpenBlock {
  readonly height: number;
  readonly firstOffset: number;
  readonly limits: BlockLimits;
  readonly txs: TxEntry[];
  readonly txIds: (string | null)[];
  readonly leafHashes: Uint8Array[];
  bytes: number;
  /** The block's governance events and key changes so far, in log order. */
  readonly events: GovernanceEvent[];
  readonly keyChanges: KeyChange[];
}

/**
 * Deterministic block cutting (docs/ledger.md "Block cutting"): feed the
 * records of one channel's tx topic in offset order; it returns each block
 * as it closes. Two builders fed the same log from the same snapshot close
 * byte-identical blocks, however the records are batched. Not thread-safe;
 * one instance per channel.
 */
export class BlockBuilder {
  private readonly verify: TxSignatureVerifier;
  private readonly nonces: NonceRegistry;
  /** Governance state after the last closed block. */
  private governance: GovernanceState;
  /** The open block's governance changes applied to a copy of `governance`; null until it has any. */
  private draft: GovernanceDraft | null = null;
  /** The configuration last derived, and from which state: blocks without governance changes reuse it. */
  private configOf: { readonly state: GovernanceState; readonly config: ChannelConfig | null } | null = null;
  private head: BuilderSnapshot;
  private open: OpenBlock | null = null;
  private expectedOffset: number;
  private blockLimits: BlockLimits;

  constructor(snapshot: BuilderSnapshot, options: BlockBuilderOptions = {}) {
    const result = builderSnapshotSchema.safeParse(snapshot);
    if (!result.success) {
      const issues = result.error.issues
        .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new LedgerCoreError('snapshot.invalid', `invalid builder snapshot: ${issues}`);
    }
    const checked = result.data;
    if (checked.config !== null && checked.config.channel !== checked.channel) {
      throw new LedgerCoreError(
        'snapshot.invalid',
        `snapshot is for channel ${checked.channel} but its config for ${checked.config.channel}`,
      );
    }
    if ((checked.nextHeight === 0) !== (checked.prevHash === GENESIS_PREV_HASH)) {
      throw new LedgerCoreError('snapshot.invalid', 'snapshot prevHash must be 64 zeros exactly at height 0');
    }
    this.head = checked;
    this.verify = options.verify ?? verifyTxSignature;
    this.nonces = options.nonces ?? new InMemoryNonceRegistry();
    this.governance = governanceStateOf(checked.channel, checked.config);
    this.expectedOffset = checked.nextOffset;
    this.blockLimits = this.currentLimits();
  }

  /** The snapshot of a channel with no blocks yet. */
  static initialSnapshot(channel: string): BuilderSnapshot {
    return { v: 1, channel, nextHeight: 0, prevHash: GENESIS_PREV_HASH, prevTime: 0, nextOffset: 0, config: null };
  }

  get channel(): string {
    return this.head.channel;
  }

  /**
   * Consumes one record (raw or prepared with prepareRecord). Returns the
   * block it closed, if any. Throws `record.out_of_order` for an offset not
   * after the previous record's (or before the snapshot's nextOffset) and
   * `record.invalid` for a malformed record; bad txs never throw.
   */
  push(record: LogRecord | PreparedRecord): ClosedBlock | undefined {
    const prepared = isPreparedRecord(record) ? record : prepareRecord(record);
    if (prepared.offset < this.expectedOffset) {
      throw new LedgerCoreError(
        'record.out_of_order',
        `record offset ${prepared.offset} is before the next expected offset ${this.expectedOffset}`,
        { offset: prepared.offset, expected: this.expectedOffset },
      );
    }
    this.expectedOffset = prepared.offset + 1;
    if (prepared.kind === 'cut') {
      const { marker } = prepared;
      const open = this.open;
      // First marker for the open height wins; garbage, other channels and other heights are ignored.
      if (marker === null || open === null || marker.channel !== this.channel || marker.height !== open.height)
        return undefined;
      return this.close(open, prepared.offset, prepared.timestamp);
    }
    const open = this.open ?? this.openBlock_(prepared.offset);
    this.append(open, prepared);
    open.bytes += prepared.value.length;
    if (open.txs.length >= open.limits.maxTxPerBlock || open.bytes >= open.limits.maxBlockBytes) {
      return this.close(open, prepared.offset, prepared.timestamp);
    }
    return undefined;
  }

  /** push() for each record; the blocks closed, in order. */
  pushAll(records: Iterable<LogRecord | PreparedRecord>): ClosedBlock[] {
    const closed: ClosedBlock[] = [];
    for (const record of records) {
      const block = this.push(record);
      if (block !== undefined) closed.push(block);
    }
    return closed;
  }

  /**
   * The Ed25519 key the builder would check this tx's signature with if it
   * were the next record, or undefined when it would not check it (unknown
   * or removed signer, no genesis yet). For pre-verifying on worker threads;
   * a guess that turns stale is harmless: the verifier just misses its cache.
   */
  signingKey(tx: TxEnvelope | PreparedRecord): string | undefined {
    let subject: Pick<ParsedTx, 'envelope' | 'governance'>;
    if ('prepared' in tx) {
      if (tx.kind !== 'tx' || tx.tx === null) return undefined;
      subject = tx.tx;
    } else {
      const { type, payload } = tx.body;
      subject = {
        envelope: tx,
        governance: isGovernanceTxType(type) ? (parseGovernancePayload(type, payload) ?? null) : null,
      };
    }
    const signer = resolveSigner(this.draft ?? this.governance, subject);
    return signer.ok ? signer.key : undefined;
  }

  /** State after the last closed block. */
  snapshot(): BuilderSnapshot {
    return this.head;
  }

  /** Configuration after the last closed block; null before genesis took effect. */
  get config(): ChannelConfig | null {
    return this.head.config;
  }

  /** The open block, or null when none is open. */
  openBlock(): OpenBlockInfo | null {
    const open = this.open;
    if (open === null) return null;
    return {
      height: open.height,
      firstOffset: open.firstOffset,
      lastOffset: this.expectedOffset - 1,
      txCount: open.txs.length,
      bytes: open.bytes,
    };
  }

  /** Limits for the open block, or for the next one when none is open. */
  limits(): BlockLimits {
    return this.open?.limits ?? this.blockLimits;
  }

  /** The smallest offset the next pushed record may have. */
  get nextOffset(): number {
    return this.expectedOffset;
  }

  private openBlock_(firstOffset: number): OpenBlock {
    const open: OpenBlock = {
      height: this.head.nextHeight,
      firstOffset,
      limits: this.blockLimits,
      txs: [],
      txIds: [],
      leafHashes: [],
      bytes: 0,
      events: [],
      keyChanges: [],
    };
    this.open = open;
    return open;
  }

  private append(open: OpenBlock, record: Extract<PreparedRecord, { kind: 'tx' }>): void {
    const tx = record.tx;
    const at: LogPosition = { height: open.height, index: open.txs.length };
    if (record.value.length > open.limits.maxTxBytes || tx === null) {
      const code = record.value.length > open.limits.maxTxBytes ? 'too_large' : (record.parseError ?? 'schema_error');
      const raw = toHex(record.value);
      open.txs.push({ raw, code });
      open.txIds.push(null);
      open.leafHashes.push(rawLeafHash(raw, code));
      return;
    }
    const code = this.validate(open, tx, at);
    open.txs.push({ envelope: tx.envelope, code });
    open.txIds.push(tx.txId);
    open.leafHashes.push(envelopeLeafHash(record.value, code));
  }

  /** docs/ledger.md "Validity codes", after size and envelope parsing. */
  private validate(open: OpenBlock, tx: ParsedTx, at: LogPosition): ValidityCode {
    const { body, sig } = tx.envelope;
    if (tx.governance === null && isGovernanceTxType(body.type)) return 'schema_error';
    if (body.channel !== this.channel) return 'wrong_channel';
    const state = this.draft ?? this.governance;
    const signer = resolveSigner(state, tx);
    if (!signer.ok) return signer.code;
    // The key a payload-signed tx was checked with, for KeyHistory (whatever the check's outcome).
    if (signer.fromPayload) open.keyChanges.push({ member: body.from, at, scope: 'only', ed25519: signer.key });
    if (!this.verify(signer.key, tx.txIdBytes, sig)) return 'bad_signature';
    if (this.nonces.has(body.from, body.nonce)) return 'replayed';
    this.nonces.add(body.from, body.nonce);
    // Before the genesis only a genesis resolves a signer, so any other tx that got here is a member's: valid.
    if (tx.governance === null) return 'valid';
    const decision = decide(governanceCommand(tx.governance, { txId: tx.txId, from: body.from, at }), state);
    this.evolve(open, decision);
    return decision.code;
  }

  /** Applies a decision's changes to the open block's draft and records what they publish. */
  private evolve(open: OpenBlock, decision: GovernanceDecision): void {
    if (decision.changes.length === 0) return;
    const draft = (this.draft ??= draftOf(this.governance));
    for (const change of decision.changes) {
      applyChange(draft, change);
      const event = publishedEvent(change);
      if (event !== undefined) open.events.push(event);
      const keyChange = keyChangeOf(change);
      if (keyChange !== undefined) open.keyChanges.push(keyChange);
    }
  }

  private close(open: OpenBlock, lastOffset: number, timestamp: number): ClosedBlock {
    // Log time may step back (broker clock, leader change); block time never does.
    const time = Math.max(timestamp, this.head.prevTime);
    const header: BlockHeader = parseWithSchema(
      blockHeaderSchema,
      {
        v: 1,
        channel: this.channel,
        height: open.height,
        prevHash: this.head.prevHash,
        txRoot: toHex(MerkleTree.fromLeafHashes(open.leafHashes).root()),
        txCount: open.txs.length,
        firstOffset: open.firstOffset,
        lastOffset,
        time,
      },
      'block.invalid',
      'block header',
    );
    const hash = computeBlockHash(header);
    // Pending key rotations and policy changes take effect (from the next block on), undecided proposals expire.
    this.evolve(open, decide({ type: 'block.close', height: open.height }, this.draft ?? this.governance));
    if (this.draft !== null) {
      this.governance = this.draft;
      this.draft = null;
    }
    const config = this.configFor(this.governance);
    this.head = {
      v: 1,
      channel: this.channel,
      nextHeight: open.height + 1,
      prevHash: hash,
      prevTime: time,
      nextOffset: lastOffset + 1,
      config,
    };
    this.open = null;
    this.blockLimits = this.currentLimits();
    return {
      block: { header, hash, txs: open.txs },
      txIds: open.txIds,
      leafHashes: open.leafHashes,
      config,
      events: open.events,
      keyChanges: open.keyChanges,
      snapshot: this.head,
    };
  }

  private configFor(state: GovernanceState): ChannelConfig | null {
    if (this.configOf?.state !== state) this.configOf = { state, config: toChannelConfig(state) };
    return this.configOf.config;
  }

  private currentLimits(): BlockLimits {
    const policy = this.governance.policy;
    if (policy === null) return { ...PRE_GENESIS_LIMITS, batchTimeoutMs: DEFAULT_POLICY.batchTimeoutMs };
    const { maxTxPerBlock, maxBlockBytes, maxTxBytes, batchTimeoutMs } = policy;
    return { maxTxPerBlock, maxBlockBytes, maxTxBytes, batchTimeoutMs };
  }
}
