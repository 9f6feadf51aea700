import { computeBlockHash, GENESIS_PREV_HASH, isEnvelopeEntry, txMerkleTree } from '../block/block.codec';
import { MerkleTree } from '../merkle/merkle-tree';
import { Block, BlockHeader, EnvelopeEntry, RawEntry } from '../block/block.schema';
import { verifyEd25519 } from '../crypto/ed25519.crypto';
import { toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalBytes } from '../json/canonical-json.codec';
import { findMember } from '../members/members.codec';
import { Members } from '../members/members.schema';
import { parseEnvelope, txIdBytes } from '../tx/tx.codec';
import { RAW_VALIDITY_CODES, validityCodeForParseError } from '../tx/validity-code';

/** The signer's Ed25519 public key (hex) in force at that position of the chain, or undefined for no such member. */
export type KeyResolver = (
  memberId: string,
  at: { readonly height: number; readonly index: number },
) => string | undefined;

export interface SignatureCheck {
  readonly publicKey: string;
  readonly message: Uint8Array;
  readonly signature: string;
}

/**
 * Checks many signatures at once, one boolean per check in the same order.
 * The default runs in-process; a caller can spread batches over worker threads.
 */
export type SignatureBatchVerifier = (
  checks: readonly SignatureCheck[],
) => readonly boolean[] | Promise<readonly boolean[]>;

export const verifySignatureBatch: SignatureBatchVerifier = (checks) =>
  checks.map((check) => verifyEd25519(check.publicKey, check.message, check.signature));

/**
 * Hashes of one entry taken from the exact bytes it is stored as, so the
 * verifier need not re-encode the parsed entry (see `entryDigests`).
 */
export interface EntryDigest {
  /** RFC 6962 leaf hash of the stored entry: SHA-256(0x00 || JCS({code, envelope}) or JCS({code, raw})). */
  readonly leafHash: Uint8Array;
  /** For an envelope entry: SHA-256 of its body's JCS, i.e. of the body's slice of the stored envelope bytes. */
  readonly txId?: Uint8Array;
}

export interface VerifyChainOptions {
  /** Trusted header of the block before the first one given; without it the chain must start at genesis. */
  readonly anchor?: BlockHeader;
  readonly verifySignatures?: SignatureBatchVerifier;
  /**
   * false: skip the Ed25519 checks (signers' keys are still resolved) for
   * blocks whose signatures the caller verified itself when it built them,
   * e.g. a ledger re-reading the blocks it has just committed; every hash,
   * link, root and entry shape is still checked, so any changed byte of a
   * stored tx is still found (its leaf, and so the tx root, changes).
   * Default true.
   */
  readonly checkSignatures?: boolean;
  /** Signature checks handed to the verifier at once (default 1024). */
  readonly batchSize?: number;
  /** The channel's tx size limit; when given, `too_large` flags and envelope sizes are rechecked against it. */
  readonly maxTxBytes?: number;
  /**
   * The digests of a block's entries in order, computed from the bytes the
   * entries were parsed from (undefined: re-encode the parsed entries).
   * Sound because the tx root is checked against these leaf hashes before
   * any txId is used: a root that matches proves the bytes are the
   * committed canonical ones, whose body slice is the body's JCS.
   */
  readonly entryDigests?: (block: Block) => readonly EntryDigest[] | undefined;
}

export type ChainFailureCode =
  | 'chain.height_gap'
  | 'chain.prev_hash_mismatch'
  | 'chain.block_hash_mismatch'
  | 'chain.channel_mismatch'
  | 'chain.tx_count_mismatch'
  | 'chain.tx_root_mismatch'
  | 'chain.offsets_invalid'
  | 'chain.time_regressed'
  | 'chain.entry_invalid'
  | 'chain.unknown_signer'
  | 'chain.bad_signature'
  | 'chain.signature_flag_wrong';

export interface ChainFailure {
  readonly ok: false;
  /** The first height at which the chain is wrong. */
  readonly height: number;
  /** The tx position within that block, when one tx is at fault. */
  readonly index?: number;
  readonly code: ChainFailureCode;
  readonly reason: string;
}

export type ChainVerification =
  | { readonly ok: true; readonly blocks: number; readonly height: number | null; readonly blockHash: string | null }
  | ChainFailure;

interface PendingCheck {
  readonly check: SignatureCheck;
  readonly expected: boolean;
  readonly height: number;
  readonly index: number;
}

interface Previous {
  readonly header: BlockHeader;
  readonly hash: string;
}

/**
 * Re-checks a chain of blocks in order: consecutive heights, prevHash links,
 * block hashes, one channel, txCount, txRoot recomputed from the leaves,
 * increasing log offsets, non-decreasing time, the shape rules of raw and
 * envelope entries, and for every tx flagged `valid` (or `bad_signature`)
 * that its signature does (or does not) verify with the key `resolveKey`
 * gives for its signer. Other validity codes depend on ledger state (members,
 * nonces, policy) and are not re-derived here. Reports the first bad height.
 */
export async function verifyChain(
  blocks: readonly Block[],
  resolveKey: KeyResolver,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  const verify = options.verifySignatures ?? verifySignatureBatch;
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ProtocolError('chain.invalid', `batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  const pending: PendingCheck[] = [];
  const flush = async (): Promise<ChainFailure | undefined> => {
    if (pending.length === 0) return undefined;
    const batch = pending.splice(0);
    const results = await verify(batch.map((p) => p.check));
    if (results.length !== batch.length) {
      throw new ProtocolError(
        'chain.invalid',
        `signature verifier returned ${results.length} results for ${batch.length} checks`,
      );
    }
    const bad = batch.findIndex((p, i) => results[i] !== p.expected);
    if (bad < 0) return undefined;
    const { height, index, expected } = batch[bad];
    return expected
      ? failure(height, 'chain.bad_signature', 'the signature of a tx flagged valid does not verify', index)
      : failure(height, 'chain.signature_flag_wrong', 'a tx flagged bad_signature has a valid signature', index);
  };

  let previous: Previous | undefined =
    options.anchor === undefined ? undefined : { header: options.anchor, hash: computeBlockHash(options.anchor) };
  for (const block of blocks) {
    const structural = checkBlock(block, previous, resolveKey, options, pending);
    if (structural !== undefined) return (await flush()) ?? structural;
    if (pending.length >= batchSize) {
      const signatures = await flush();
      if (signatures !== undefined) return signatures;
    }
    previous = { header: block.header, hash: block.hash };
  }
  const signatures = await flush();
  if (signatures !== undefined) return signatures;
  return {
    ok: true,
    blocks: blocks.length,
    height: previous?.header.height ?? null,
    blockHash: previous?.hash ?? null,
  };
}

function checkBlock(
  block: Block,
  previous: Previous | undefined,
  resolveKey: KeyResolver,
  options: VerifyChainOptions,
  pending: PendingCheck[],
): ChainFailure | undefined {
  const { header } = block;
  const h = header.height;
  const expectedHeight = previous === undefined ? 0 : previous.header.height + 1;
  if (h !== expectedHeight) return failure(h, 'chain.height_gap', `expected height ${expectedHeight}, found ${h}`);
  if (previous !== undefined && header.channel !== previous.header.channel) {
    return failure(
      h,
      'chain.channel_mismatch',
      `block is on channel ${header.channel}, the chain on ${previous.header.channel}`,
    );
  }
  const expectedPrev = previous?.hash ?? GENESIS_PREV_HASH;
  if (header.prevHash !== expectedPrev) {
    return failure(h, 'chain.prev_hash_mismatch', `prevHash ${header.prevHash} does not link to ${expectedPrev}`);
  }
  const hash = computeBlockHash(header);
  if (block.hash !== hash)
    return failure(h, 'chain.block_hash_mismatch', `recorded hash ${block.hash}, header hashes to ${hash}`);
  if (header.txCount !== block.txs.length) {
    return failure(h, 'chain.tx_count_mismatch', `header says ${header.txCount} txs, block holds ${block.txs.length}`);
  }
  if (header.lastOffset < header.firstOffset || header.lastOffset - header.firstOffset + 1 < header.txCount) {
    return failure(
      h,
      'chain.offsets_invalid',
      `offsets ${header.firstOffset}..${header.lastOffset} cannot hold ${header.txCount} txs`,
    );
  }
  if (previous !== undefined && header.firstOffset <= previous.header.lastOffset) {
    return failure(
      h,
      'chain.offsets_invalid',
      `firstOffset ${header.firstOffset} is not after the previous block's ${previous.header.lastOffset}`,
    );
  }
  if (previous !== undefined && header.time < previous.header.time) {
    return failure(
      h,
      'chain.time_regressed',
      `time ${header.time} is before the previous block's ${previous.header.time}`,
    );
  }
  const digests = options.entryDigests?.(block);
  if (digests !== undefined && digests.length !== block.txs.length) {
    throw new ProtocolError(
      'chain.invalid',
      `entryDigests gave ${digests.length} digests for the ${block.txs.length} txs of block ${h}`,
    );
  }
  const tree =
    digests === undefined ? txMerkleTree(block.txs) : MerkleTree.fromLeafHashes(digests.map((d) => d.leafHash));
  const txRoot = toHex(tree.root());
  if (header.txRoot !== txRoot)
    return failure(h, 'chain.tx_root_mismatch', `header txRoot ${header.txRoot}, leaves give ${txRoot}`);

  for (let index = 0; index < block.txs.length; index++) {
    const entry = block.txs[index];
    const problem = isEnvelopeEntry(entry) ? checkEnvelopeEntry(entry, header, options) : checkRawEntry(entry, options);
    if (problem !== undefined) return failure(h, 'chain.entry_invalid', problem, index);
    if (!isEnvelopeEntry(entry) || (entry.code !== 'valid' && entry.code !== 'bad_signature')) continue;
    const { from } = entry.envelope.body;
    const publicKey = resolveKey(from, { height: h, index });
    if (publicKey === undefined) {
      return entry.code === 'valid'
        ? failure(h, 'chain.unknown_signer', `tx flagged valid is signed by ${from}, who has no key here`, index)
        : failure(h, 'chain.entry_invalid', `tx flagged bad_signature is from ${from}, who has no key here`, index);
    }
    if (options.checkSignatures === false) continue;
    pending.push({
      check: {
        publicKey,
        message: digests?.[index].txId ?? txIdBytes(entry.envelope.body),
        signature: entry.envelope.sig,
      },
      expected: entry.code === 'valid',
      height: h,
      index,
    });
  }
  return undefined;
}

function checkEnvelopeEntry(
  entry: EnvelopeEntry,
  header: BlockHeader,
  options: VerifyChainOptions,
): string | undefined {
  if (entry.code === 'too_large' || entry.code === 'unsupported_version') {
    return `an envelope cannot be flagged ${entry.code}; such txs are stored raw`;
  }
  const otherChannel = entry.envelope.body.channel !== header.channel;
  if (otherChannel !== (entry.code === 'wrong_channel')) {
    return otherChannel
      ? `tx for channel ${entry.envelope.body.channel} is not flagged wrong_channel`
      : 'tx flagged wrong_channel is for this channel';
  }
  if (options.maxTxBytes !== undefined) {
    const size = canonicalBytes(entry.envelope).length;
    if (size > options.maxTxBytes)
      return `envelope of ${size} bytes exceeds maxTxBytes ${options.maxTxBytes} but is not flagged too_large`;
  }
  return undefined;
}

function checkRawEntry(entry: RawEntry, options: VerifyChainOptions): string | undefined {
  if (!RAW_VALIDITY_CODES.includes(entry.code)) return `raw bytes cannot be flagged ${entry.code}`;
  const bytes = Buffer.from(entry.raw, 'hex');
  if (entry.code === 'too_large') {
    if (options.maxTxBytes !== undefined && bytes.length <= options.maxTxBytes) {
      return `tx of ${bytes.length} bytes is flagged too_large but the limit is ${options.maxTxBytes}`;
    }
    return undefined;
  }
  try {
    parseEnvelope(bytes, { maxTxBytes: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    const code = validityCodeForParseError(error);
    return code === entry.code
      ? undefined
      : `raw tx is flagged ${entry.code} but fails to parse as ${code} (${error.message})`;
  }
  return 'raw bytes parse as a valid envelope; they must be stored as one';
}

/** A resolver for a fixed member list (keys that did not change over the verified range). */
export function membersKeyResolver(members: Members): KeyResolver {
  return (memberId) => findMember(members, memberId)?.ed25519;
}

function failure(height: number, code: ChainFailureCode, reason: string, index?: number): ChainFailure {
  return index === undefined ? { ok: false, height, code, reason } : { ok: false, height, index, code, reason };
}
