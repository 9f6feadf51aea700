import { Attestation } from '../attestation/attestation.schema';
import { signAttestation } from '../attestation/attestation.codec';
import { buildBlock, GENESIS_PREV_HASH } from '../block/block.codec';
import { Block, TxEntry } from '../block/block.schema';
import { KeyResolver, membersKeyResolver } from '../chain/chain.verifier';
import { ed25519Signer, Ed25519Signer } from '../crypto/ed25519.crypto';
import { JsonObject } from '../json/json.types';
import { generateMemberKeys, MemberKeySet, memberPublicKeys } from '../members/members.codec';
import { Members } from '../members/members.schema';
import { buildTxProof } from '../proof/tx-proof.builder';
import { TxProof } from '../proof/tx-proof.schema';
import { signTx } from '../tx/tx.codec';
import { TxEnvelope } from '../tx/tx.schema';
import { deterministicRandom } from './deterministic-random';

export interface TestMember {
  readonly id: string;
  readonly keys: MemberKeySet;
  readonly signer: Ed25519Signer;
}

/** A member whose keys are derived from its id, so every run produces the same keys. */
export function testMember(id: string): TestMember {
  const keys = generateMemberKeys(deterministicRandom(`accord-test-member:${id}`));
  return { id, keys, signer: ed25519Signer(keys.ed25519.privateKey) };
}

export function membersOf(members: readonly TestMember[]): Members {
  return Object.fromEntries(members.map((m) => [m.id, memberPublicKeys(m.keys)]));
}

export interface TestTxOptions {
  readonly type?: string;
  readonly payload?: JsonObject;
  readonly nonce?: number;
  readonly ts?: number;
  readonly channel?: string;
}

/**
 * Builds small, correctly signed chains for tests: txs signed by test
 * members, blocks with consecutive heights, offsets and times, attestations
 * and tx proofs. Tamper with the results to test verifiers.
 */
export class TestChain {
  readonly blocks: Block[] = [];
  private readonly nonces = new Map<string, number>();
  private nextOffset = 0;
  private time = 1_700_000_000_000;

  constructor(
    readonly members: readonly TestMember[],
    readonly channel = 'test-channel',
  ) {}

  get memberKeys(): Members {
    return membersOf(this.members);
  }

  keyResolver(): KeyResolver {
    return membersKeyResolver(this.memberKeys);
  }

  /** A signed tx; nonces count up per member unless given. */
  tx(from: TestMember, options: TestTxOptions = {}): TxEnvelope {
    const nonce = options.nonce ?? this.nonces.get(from.id) ?? 0;
    this.nonces.set(from.id, nonce + 1);
    return signTx(
      {
        v: 1,
        channel: options.channel ?? this.channel,
        type: options.type ?? 'test.note',
        from: from.id,
        nonce,
        ts: options.ts ?? this.time,
        payload: options.payload ?? { note: `tx ${nonce} from ${from.id}` },
      },
      from.signer,
    );
  }

  /** Appends a block; bare envelopes are recorded as `valid`. */
  append(txs: readonly (TxEntry | TxEnvelope)[]): Block {
    const entries: TxEntry[] = txs.map((tx) => ('sig' in tx ? { envelope: tx, code: 'valid' } : tx));
    const previous = this.blocks[this.blocks.length - 1];
    const firstOffset = this.nextOffset;
    // One extra offset per block stands for the cut marker that closed it.
    this.nextOffset += entries.length + 1;
    this.time += 1000;
    const block = buildBlock({
      channel: this.channel,
      height: this.blocks.length,
      prevHash: previous?.hash ?? GENESIS_PREV_HASH,
      txs: entries,
      firstOffset,
      lastOffset: this.nextOffset - 1,
      time: this.time,
    });
    this.blocks.push(block);
    return block;
  }

  attest(block: Block, by: readonly TestMember[] = this.members): Attestation[] {
    const { channel, height } = block.header;
    return by.map((m) =>
      signAttestation({ v: 1, channel, height, blockHash: block.hash, from: m.id, kind: 'block' }, m.signer),
    );
  }

  proof(height: number, index: number, attesters: readonly TestMember[] = this.members): TxProof {
    const block = this.blocks[height];
    return buildTxProof(block, index, this.attest(block, attesters));
  }
}

/**
 * Recomputes txRoot, txCount, prevHash links and hashes of the blocks from
 * `from` on (keeping heights, offsets and times), so a test can change the
 * txs of a block and get an otherwise consistent chain.
 */
export function resealChain(blocks: readonly Block[], from = 0): Block[] {
  const out = blocks.slice(0, from);
  for (const block of blocks.slice(from)) {
    const previous = out[out.length - 1];
    const { channel, height, firstOffset, lastOffset, time } = block.header;
    const prevHash = previous === undefined ? block.header.prevHash : previous.hash;
    out.push(buildBlock({ channel, height, prevHash, txs: block.txs, firstOffset, lastOffset, time }));
  }
  return out;
}
