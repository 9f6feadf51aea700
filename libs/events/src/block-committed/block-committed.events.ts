import { channelConfigSchema } from '@accord/ledger-core';
import { blockHeaderSchema, blockSchema, channelNameSchema, hashHexSchema, validityCodeSchema } from '@accord/protocol';
import { z } from 'zod';
import { decodeEvent, type DecodeResult } from '../decoding/event.decoder';

export const BLOCK_COMMITTED = 'block.committed';

/** The version producers write today (as an absent `v`, see below). */
export const BLOCK_COMMITTED_VERSION = 1;

/** The form of a block too large for one bus message: consumers fetch its txs from the ledger API. */
export const blockHeaderOnlySchema = z.strictObject({ header: blockHeaderSchema, hash: hashHexSchema });

/**
 * `block.committed` on blocksTopic(department): one per block this
 * department's ledger committed, in height order, at least once (a restart
 * may repeat the last ones; consumers skip heights they applied). `block` is
 * the complete block; only when that does not fit one bus message is it sent
 * as `{header, hash}`. Written as JCS by the ledger's fast encoder
 * (services/ledger block-committed.mapper.ts, checked against this schema
 * by its spec).
 *
 * Version: `v` is absent on every event the ledger has written, and the
 * ledger keeps omitting it for version 1 so the bytes stay those of the
 * existing logs: absent means 1. A later version will write `v: 2`, which
 * version-1 consumers refuse (and park). Unknown top-level fields are
 * ignored (a newer ledger may add some); the block itself is the protocol's
 * strict shape.
 */
export const blockCommittedEventSchema = z.object({
  v: z.literal(BLOCK_COMMITTED_VERSION).optional(),
  type: z.literal(BLOCK_COMMITTED),
  channel: channelNameSchema,
  block: z.union([blockSchema, blockHeaderOnlySchema]),
  /** txId of each entry of `block.txs` (null for raw entries). */
  txIds: z.array(hashHexSchema.nullable()).readonly(),
  /** The block changed the channel configuration (members, keys, policy, proposals). */
  configChanged: z.boolean(),
  /** The channel configuration after the block; the ledger sends it exactly when `configChanged`. */
  config: channelConfigSchema.nullable().optional(),
});

export type BlockCommittedEvent = z.output<typeof blockCommittedEventSchema>;

/**
 * A projection for readers that only follow which txs were committed with
 * which validity code (the benchmark's commit tracker): the same event,
 * derived from the schema above, without the cost of parsing every envelope.
 */
export const blockCommittedTxIdsSchema = blockCommittedEventSchema
  .pick({ v: true, type: true, channel: true, txIds: true })
  .extend({
    block: z.object({
      header: blockHeaderSchema,
      txs: z.array(z.object({ code: validityCodeSchema })).optional(),
    }),
  });

export type BlockCommittedTxIds = z.output<typeof blockCommittedTxIdsSchema>;

/** Headers of a block.committed record (let readers filter without parsing the value). */
export function blockCommittedHeaders(channel: string, height: number): Record<string, string> {
  return { type: BLOCK_COMMITTED, channel, height: String(height) };
}

/** A block.committed record's value, parsed with the schema; never throws for bad input. */
export function decodeBlockCommitted(value: Uint8Array): DecodeResult<BlockCommittedEvent> {
  return decodeEvent(blockCommittedEventSchema, value, BLOCK_COMMITTED);
}
