import { decodeBlockCommitted } from '@accord/events';
import type { ChannelConfig } from '@accord/ledger-core';
import {
  channelNameSchema,
  computeBlockHash,
  toHex,
  txMerkleTree,
  type Block,
  type BlockHeader,
} from '@accord/protocol';
import { BlockEventInvalidError } from '../contracts.errors';

/**
 * A block.committed event (@accord/events, docs/events.md) as the contracts
 * service reads it from blocksTopic(department).
 * `config` is the channel configuration after the block when the event
 * carries it (undefined when it does not: the reader then asks the ledger).
 */
export type BlockCommitted =
  | {
      readonly kind: 'full';
      readonly channel: string;
      readonly block: Block;
      readonly configChanged: boolean;
      readonly config: ChannelConfig | null | undefined;
    }
  | {
      readonly kind: 'header-only';
      readonly channel: string;
      readonly header: BlockHeader;
      readonly hash: string;
      readonly configChanged: boolean;
      readonly config: ChannelConfig | null | undefined;
    };

/**
 * Parses and checks one record of the blocks topic: JSON, the shape and
 * version of @accord/events' blockCommittedEventSchema, the
 * block's hash over its header, its channel, and (with txs) txCount and
 * txRoot over the txs, so the state this department attests with a block
 * hash is computed from exactly the txs that hash commits to. Throws
 * BlockEventInvalidError, naming the channel when the record names one.
 */
export function parseBlockCommitted(value: Uint8Array): BlockCommitted {
  const decoded = decodeBlockCommitted(value);
  if (!decoded.ok) {
    const { json, message } = decoded.failure;
    const named = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['channel'] : undefined;
    const channel = typeof named === 'string' && channelNameSchema.safeParse(named).success ? named : null;
    throw new BlockEventInvalidError(message, channel);
  }
  const event = decoded.event;
  const { header, hash } = event.block;
  const fail = (message: string): never => {
    throw new BlockEventInvalidError(`block.committed ${event.channel}/${header.height}: ${message}`, event.channel, {
      height: header.height,
    });
  };
  if (header.channel !== event.channel) fail(`the block is for channel ${header.channel}`);
  if (computeBlockHash(header) !== hash) fail('the block hash does not match its header');
  if (event.txIds.length !== header.txCount) fail(`${event.txIds.length} txIds for ${header.txCount} txs`);
  if (event.config != null && event.config.channel !== event.channel)
    fail(`the configuration is for channel ${event.config.channel}`);
  if (!('txs' in event.block)) {
    return {
      kind: 'header-only',
      channel: event.channel,
      header,
      hash,
      configChanged: event.configChanged,
      config: event.config,
    };
  }
  const block = event.block;
  checkTxs(block, fail);
  return { kind: 'full', channel: event.channel, block, configChanged: event.configChanged, config: event.config };
}

/** txCount and txRoot of a block against its txs (also for blocks fetched from the ledger API). */
export function checkTxs(block: Block, fail: (message: string) => never): void {
  if (block.txs.length !== block.header.txCount)
    fail(`${block.txs.length} txs, the header says ${block.header.txCount}`);
  if (toHex(txMerkleTree(block.txs).root()) !== block.header.txRoot) fail("the txs do not hash to the header's txRoot");
}
