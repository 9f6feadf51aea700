import { sha256Hex, ZERO_HASH_HEX } from '../crypto/sha256.crypto';
import { toHex } from '../encoding/hex.codec';
import { canonicalBytes } from '../json/canonical-json.codec';
import { hashLeaf } from '../merkle/merkle.hasher';
import { MerkleTree } from '../merkle/merkle-tree';
import { parseWithSchema } from '../schema/protocol.schema';
import { Block, BlockHeader, blockHeaderSchema, blockSchema, EnvelopeEntry, TxEntry } from './block.schema';

export const GENESIS_PREV_HASH = ZERO_HASH_HEX;

export function computeBlockHash(header: BlockHeader): string {
  return sha256Hex(canonicalBytes(header));
}

export function isEnvelopeEntry(entry: TxEntry): entry is EnvelopeEntry {
  return 'envelope' in entry;
}

/**
 * The value a tx contributes to its block's Merkle tree: the canonical JSON
 * of `{envelope, code}`, or `{raw, code}` for bytes that were not an envelope.
 * Only these two members are taken, whatever else the object carries.
 */
export function txLeafData(entry: TxEntry): Uint8Array {
  return canonicalBytes(
    isEnvelopeEntry(entry) ? { envelope: entry.envelope, code: entry.code } : { raw: entry.raw, code: entry.code },
  );
}

/** SHA-256(0x00 || JCS(entry)). */
export function txLeafHash(entry: TxEntry): Uint8Array {
  return hashLeaf(txLeafData(entry));
}

export function txMerkleTree(entries: readonly TxEntry[]): MerkleTree {
  return MerkleTree.fromLeafHashes(entries.map(txLeafHash));
}

export interface BuildBlockInput {
  readonly channel: string;
  readonly height: number;
  /** Hash of the previous block, or {@link GENESIS_PREV_HASH} at height 0. */
  readonly prevHash: string;
  readonly txs: readonly TxEntry[];
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly time: number;
}

/** Assembles a block: computes txRoot, txCount and the block hash, and validates the header (`block.invalid`). */
export function buildBlock(input: BuildBlockInput): Block {
  const header = parseWithSchema(
    blockHeaderSchema,
    {
      v: 1,
      channel: input.channel,
      height: input.height,
      prevHash: input.prevHash,
      txRoot: toHex(txMerkleTree(input.txs).root()),
      txCount: input.txs.length,
      firstOffset: input.firstOffset,
      lastOffset: input.lastOffset,
      time: input.time,
    },
    'block.invalid',
    'block header',
  );
  return { header, hash: computeBlockHash(header), txs: [...input.txs] };
}

/** Validates the shape of a block (e.g. read from a file); no hashes are checked here. */
export function validateBlock(value: unknown): Block {
  return parseWithSchema(blockSchema, value, 'block.invalid', 'block');
}
