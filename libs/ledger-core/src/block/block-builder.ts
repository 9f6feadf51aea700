import { Block, TxEnvelope } from '@accord/protocol';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import { ChannelConfig } from '../governance/channel-config.schema';
import { GovernanceEvent, KeyChange } from '../governance/governance.events';
import { BuilderSnapshot } from './builder-snapshot.schema';
import { LogRecord, PreparedRecord } from './log-record.parser';
import { NonceRegistry } from './nonce-registry.port';
import { TxSignatureVerifier } from './signature.port';

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

/**
 * Deterministic block cutting (docs/ledger.md "Block cutting"): feed the
 * records of one channel's tx topic in offset order; it returns each block
 * as it closes. Two builders fed the same log from the same snapshot close
 * byte-identical blocks, however the records are batched. Not thread-safe;
 * one instance per channel.
 */
export class BlockBuilder {
  constructor(snapshot: BuilderSnapshot, options: BlockBuilderOptions = {}) {
    void snapshot;
    void options;
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** The snapshot of a channel with no blocks yet. */
  static initialSnapshot(channel: string): BuilderSnapshot {
    void channel;
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  get channel(): string {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /**
   * Consumes one record (raw or prepared with prepareRecord). Returns the
   * block it closed, if any. Throws `record.out_of_order` for an offset not
   * after the previous record's (or before the snapshot's nextOffset) and
   * `record.invalid` for a malformed record; bad txs never throw.
   */
  push(record: LogRecord | PreparedRecord): ClosedBlock | undefined {
    void record;
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** push() for each record; the blocks closed, in order. */
  pushAll(records: Iterable<LogRecord | PreparedRecord>): ClosedBlock[] {
    void records;
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /**
   * The Ed25519 key the builder would check this tx's signature with if it
   * were the next record, or undefined when it would not check it (unknown
   * or removed signer, no genesis yet). For pre-verifying on worker threads;
   * a guess that turns stale is harmless: the verifier just misses its cache.
   */
  signingKey(tx: TxEnvelope | PreparedRecord): string | undefined {
    void tx;
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** State after the last closed block. */
  snapshot(): BuilderSnapshot {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** Configuration after the last closed block; null before genesis took effect. */
  get config(): ChannelConfig | null {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** The open block, or null when none is open. */
  openBlock(): OpenBlockInfo | null {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  limits(): BlockLimits {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }

  /** The smallest offset the next pushed record may have. */
  get nextOffset(): number {
    throw new LedgerCoreError('snapshot.invalid', 'BlockBuilder: implementation in progress');
  }
}
