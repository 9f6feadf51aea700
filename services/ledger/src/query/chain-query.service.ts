import { Injectable } from '@nestjs/common';
import {
  buildTxProof,
  fromHex,
  MerkleTree,
  toHex,
  type Attestation,
  type Block,
  type BlockHeader,
  type Members,
  type TxEnvelope,
  type TxProof,
  type TxProofBundle,
  type ValidityCode,
} from '@accord/protocol';
import {
  activeMemberKeys,
  evaluateBlockFinality,
  finalityQuorum,
  tallyProposal,
  type ChannelConfig,
  type ChannelKind,
  type ChannelPolicy,
  type GovernanceEvent,
  type MemberRecord,
  type Proposal,
  type ProposalTally,
} from '@accord/ledger-core';
import { CorruptRowError } from '../ledger.errors';
import { AttestationRepository } from '../persistence/attestation.repository';
import { BlockRepository, type StoredBlockHeader, type StoredTx } from '../persistence/block.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { primaryOccurrence } from '../submission/tx-status.service';
import { buildChainConsistencyProof, type ChainConsistencyProof } from './chain-consistency.builder';
import { ConfigHistoryService } from './config-history.service';
import { BlockNotFoundError, HeightRangeInvalidError, TxNotFoundError, TxNotProvableError } from './query.errors';

export interface ChannelHead {
  readonly channel: string;
  /** Height of the last committed block; null while the channel has none. */
  readonly height: number | null;
  readonly blockHash: string | null;
  readonly time: number | null;
  readonly final: boolean;
  /** Highest final block; null when none is final yet. */
  readonly finalHeight: number | null;
  /** Next offset of accord.<channel>.tx this ledger reads. */
  readonly nextOffset: number;
}

export interface BlockSummary {
  readonly header: BlockHeader;
  readonly hash: string;
  readonly final: boolean;
}

export interface BlockPage {
  readonly channel: string;
  readonly blocks: readonly BlockSummary[];
  /** `from` of the next page; null on the last one. */
  readonly next: number | null;
}

export interface BlockView {
  readonly channel: string;
  readonly height: number;
  readonly hash: string;
  readonly final: boolean;
  readonly configChanged: boolean;
  /** The protocol block (what `accord verify-chain` reads). */
  readonly block: Block;
  /** txId per tx (null for raw records). */
  readonly txIds: readonly (string | null)[];
}

export interface BlockAttestationsView {
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly final: boolean;
  readonly required: number;
  readonly attesters: readonly string[];
  readonly attestations: readonly Attestation[];
}

export interface MemberTx {
  readonly txId: string | null;
  readonly height: number;
  readonly index: number;
  readonly type: string | null;
  readonly nonce: number | null;
  readonly code: ValidityCode;
  readonly envelope: TxEnvelope | null;
}

export interface MemberTxPage {
  readonly channel: string;
  readonly member: string;
  readonly txs: readonly MemberTx[];
  /** `after` of the next page; null on the last one. */
  readonly next: string | null;
}

export interface MembersView {
  readonly channel: string;
  /** The configuration after this block. */
  readonly height: number;
  readonly kind: ChannelKind;
  readonly owner: string | null;
  readonly policy: ChannelPolicy;
  /** Distinct attestations that make a block final at this height. */
  readonly finalityQuorum: number;
  readonly members: readonly MemberRecord[];
}

export interface ProposalsView {
  readonly channel: string;
  readonly height: number;
  readonly proposals: readonly (Proposal & { readonly tally: ProposalTally })[];
}

export interface GovernanceEventPage {
  readonly channel: string;
  readonly events: readonly GovernanceEvent[];
}

/** Read use cases over the stored chain: heads, blocks, txs, proofs, members and governance. */
@Injectable()
export class ChainQueryService {
  constructor(
    private readonly channels: ChannelRepository,
    private readonly blocks: BlockRepository,
    private readonly attestations: AttestationRepository,
    private readonly reads: LedgerReadRepository,
    private readonly configs: ConfigHistoryService,
  ) {}

  async head(channel: string): Promise<ChannelHead> {
    const state = await this.channels.get(channel);
    const height = state.snapshot.nextHeight - 1;
    const finalHeight = await this.reads.finalHeight(channel);
    if (height < 0)
      return {
        channel,
        height: null,
        blockHash: null,
        time: null,
        final: false,
        finalHeight,
        nextOffset: state.snapshot.nextOffset,
      };
    return {
      channel,
      height,
      blockHash: state.snapshot.prevHash,
      time: state.snapshot.prevTime,
      final: (await this.blocks.getHeader(channel, height))?.final ?? false,
      finalHeight,
      nextOffset: state.snapshot.nextOffset,
    };
  }

  async blockRange(channel: string, from: number, limit: number): Promise<BlockPage> {
    await this.channels.get(channel);
    const headers = await this.blocks.listHeaders(channel, { fromHeight: from, limit });
    return {
      channel,
      blocks: headers.map(summary),
      next: headers.length === limit ? headers[headers.length - 1].header.height + 1 : null,
    };
  }

  async block(channel: string, height: number): Promise<BlockView> {
    const state = await this.channels.get(channel);
    const stored = await this.blocks.getBlock(channel, height);
    if (stored === undefined) throw new BlockNotFoundError(channel, height, headOf(state.snapshot.nextHeight));
    return {
      channel,
      height,
      hash: stored.hash,
      final: stored.final,
      configChanged: stored.configChanged,
      block: stored.block,
      txIds: stored.txIds,
    };
  }

  async blockAttestations(channel: string, height: number): Promise<BlockAttestationsView> {
    const { header, config } = await this.committed(channel, height);
    const attestations = (await this.attestations.forHeight(channel, height)).map((s) => s.attestation);
    if (config === null)
      return { channel, height, blockHash: header.hash, final: header.final, required: 0, attesters: [], attestations };
    const finality = evaluateBlockFinality({
      config,
      height,
      blockHash: header.hash,
      attestations: attestations.filter((a) => a.body.kind === 'block'),
    });
    return {
      channel,
      height,
      blockHash: header.hash,
      final: header.final,
      required: finality.required,
      attesters: finality.attesters,
      attestations,
    };
  }

  /**
   * The proof of a tx (protocol buildTxProof): envelope, code, index,
   * inclusion proof, header and the valid block attestations of its block by
   * distinct members active at that height. Verify it with the members'
   * keys at that height (membersKeys) and, until the block is final, a
   * quorum of at most the attestations included.
   */
  async txProof(txId: string, channel?: string): Promise<TxProof> {
    return (await this.provenTx(txId, channel)).proof;
  }

  /**
   * The proof of a tx with what verifies it offline: the keys of the members
   * active at its block and the finality quorum of the policy in force there
   * (ledger-core finalityQuorum, as finality decides it), from the
   * configuration that block produced.
   */
  async txProofBundle(txId: string, channel?: string): Promise<TxProofBundle> {
    const { proof, config } = await this.provenTx(txId, channel);
    return {
      v: 1,
      proof,
      members: activeMemberKeys(config),
      quorum: finalityQuorum(config),
      channel: proof.header.channel,
      height: proof.header.height,
    };
  }

  /** A tx's proof and the configuration its block produced (whose members attest it). */
  private async provenTx(txId: string, channel?: string): Promise<{ proof: TxProof; config: ChannelConfig }> {
    const found = primaryOccurrence(await this.blocks.findTx(txId, channel));
    if (found === undefined) throw new TxNotFoundError(txId);
    if (!('envelope' in found.entry)) throw new TxNotProvableError(txId, 'its record is not an envelope');
    const { header, config } = await this.committed(found.channel, found.height);
    if (config === null)
      throw new TxNotProvableError(
        txId,
        `block ${found.height} of ${found.channel} precedes the channel's genesis: nobody can attest it`,
      );
    const txs = await this.blocks.txsOfBlock(found.channel, found.height);
    const block: Block = { header: header.header, hash: header.hash, txs: txs.map((t) => t.entry) };
    const tree = MerkleTree.fromLeafHashes(txs.map((t) => fromHex(t.leafHash, 32, 'leaf hash')));
    if (txs.length !== header.header.txCount || toHex(tree.root()) !== header.header.txRoot) {
      throw new CorruptRowError(
        `channel ${found.channel} block ${found.height}: the stored txs do not match the header's txRoot; run an audit`,
        {
          channel: found.channel,
          height: found.height,
        },
      );
    }
    const stored = (await this.attestations.forHeight(found.channel, found.height, 'block')).map((s) => s.attestation);
    const { attesters } = evaluateBlockFinality({
      config,
      height: found.height,
      blockHash: header.hash,
      attestations: stored,
    });
    const chosen = new Map<string, Attestation>();
    for (const a of stored) {
      if (a.body.blockHash === header.hash && attesters.includes(a.body.from) && !chosen.has(a.body.from))
        chosen.set(a.body.from, a);
    }
    return { proof: buildTxProof(block, found.index, [...chosen.values()], tree), config };
  }

  async consistency(channel: string, fromHeight: number, toHeight?: number): Promise<ChainConsistencyProof> {
    const state = await this.channels.get(channel);
    const head = headOf(state.snapshot.nextHeight);
    const to = toHeight ?? head;
    if (head === null || to === null || to > head || fromHeight > to) {
      throw new HeightRangeInvalidError(
        `cannot prove consistency from ${fromHeight} to ${String(to)}: the head of ${channel} is ${head ?? 'none'}`,
        {
          channel,
          fromHeight,
          toHeight: to,
          head,
        },
      );
    }
    const rows = await this.blocks.hashes(channel, 0, to);
    if (rows.length !== to + 1 || rows.some((r, i) => r.height !== i)) {
      throw new CorruptRowError(`channel ${channel}: blocks are missing below height ${to}; run an audit`, {
        channel,
        toHeight: to,
      });
    }
    return buildChainConsistencyProof(
      channel,
      rows.map((r) => r.hash),
      fromHeight,
      to,
    );
  }

  async memberTxs(
    channel: string,
    member: string,
    after: { height: number; index: number } | undefined,
    limit: number,
  ): Promise<MemberTxPage> {
    await this.channels.get(channel);
    const txs = await this.blocks.txsOfMember(channel, member, { ...(after === undefined ? {} : { after }), limit });
    const last = txs[txs.length - 1];
    return {
      channel,
      member,
      txs: txs.map(memberTx),
      next: txs.length === limit && last !== undefined ? `${last.height}:${last.index}` : null,
    };
  }

  async members(channel: string, height?: number): Promise<MembersView> {
    const { at, config } = await this.configAt(channel, height);
    return {
      channel,
      height: at,
      kind: config.kind,
      owner: config.owner,
      policy: config.policy,
      finalityQuorum: finalityQuorum(config),
      members: config.members,
    };
  }

  /** members.json of the members active at a height: what `accord verify-proof --keys` reads. */
  async memberKeys(channel: string, height?: number): Promise<Members> {
    return activeMemberKeys((await this.configAt(channel, height)).config);
  }

  async proposals(channel: string, height?: number): Promise<ProposalsView> {
    const { at, config } = await this.configAt(channel, height);
    return { channel, height: at, proposals: config.proposals.map((p) => ({ ...p, tally: tallyProposal(config, p) })) };
  }

  async governanceEvents(channel: string, fromHeight: number, limit: number): Promise<GovernanceEventPage> {
    await this.channels.get(channel);
    return { channel, events: await this.blocks.governanceEvents(channel, { fromHeight, limit }) };
  }

  private async configAt(channel: string, height: number | undefined): Promise<{ at: number; config: ChannelConfig }> {
    const state = await this.channels.get(channel);
    const head = headOf(state.snapshot.nextHeight);
    const at = height ?? head;
    if (at === null || head === null || at > head) throw new BlockNotFoundError(channel, height ?? 0, head);
    const config = at === head ? state.snapshot.config : await this.configs.configAt(channel, at);
    if (config === null) throw new BlockNotFoundError(channel, at, head);
    return { at, config };
  }

  /** A committed block's header and the configuration it produced (null before genesis). */
  private async committed(
    channel: string,
    height: number,
  ): Promise<{ header: StoredBlockHeader; config: ChannelConfig | null }> {
    const state = await this.channels.get(channel);
    const header = await this.blocks.getHeader(channel, height);
    if (header === undefined) throw new BlockNotFoundError(channel, height, headOf(state.snapshot.nextHeight));
    return { header, config: await this.configs.configAt(channel, height) };
  }
}

function headOf(nextHeight: number): number | null {
  return nextHeight > 0 ? nextHeight - 1 : null;
}

function summary(stored: StoredBlockHeader): BlockSummary {
  return { header: stored.header, hash: stored.hash, final: stored.final };
}

function memberTx(tx: StoredTx): MemberTx {
  return {
    txId: tx.txId,
    height: tx.height,
    index: tx.index,
    type: tx.type,
    nonce: tx.nonce,
    code: tx.code,
    envelope: 'envelope' in tx.entry ? tx.entry.envelope : null,
  };
}
