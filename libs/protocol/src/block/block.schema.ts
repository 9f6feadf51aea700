import { z } from 'zod';
import { channelNameSchema, hashHexSchema, uintSchema } from '../schema/protocol.schema';
import { txEnvelopeSchema } from '../tx/tx.schema';
import { validityCodeSchema } from '../tx/validity-code';

export const blockHeaderSchema = z.strictObject({
  v: z.literal(1),
  channel: channelNameSchema,
  /** 0 for the genesis block. */
  height: uintSchema,
  /** blockHash of the previous block; 64 zeros for the genesis block. */
  prevHash: hashHexSchema,
  /** RFC 6962 root over the block's tx leaves. */
  txRoot: hashHexSchema,
  txCount: uintSchema,
  /** Log offsets of the first and last record the block covers (cut markers included). */
  firstOffset: uintSchema,
  lastOffset: uintSchema,
  /** Log time in ms since the epoch, never a local clock; non-decreasing along the chain. */
  time: uintSchema,
});

/** A tx as recorded in a block: the parsed envelope and its validity code. */
export const envelopeEntrySchema = z.strictObject({ envelope: txEnvelopeSchema, code: validityCodeSchema });

/**
 * A tx whose bytes did not parse as an envelope (too large, not canonical
 * JSON, wrong shape, unknown version): its exact bytes as hex, kept as evidence.
 */
export const rawEntrySchema = z.strictObject({
  raw: z.string().regex(/^(?:[0-9a-f]{2})*$/, 'must be lowercase hex'),
  code: validityCodeSchema,
});

export const txEntrySchema = z.union([envelopeEntrySchema, rawEntrySchema]);

export const blockSchema = z.strictObject({
  header: blockHeaderSchema,
  /** SHA-256 of the header's canonical JSON, what attestations sign. */
  hash: hashHexSchema,
  txs: z.array(txEntrySchema),
});

export type BlockHeader = z.output<typeof blockHeaderSchema>;
export type EnvelopeEntry = z.output<typeof envelopeEntrySchema>;
export type RawEntry = z.output<typeof rawEntrySchema>;
export type TxEntry = EnvelopeEntry | RawEntry;
export type Block = z.output<typeof blockSchema>;
