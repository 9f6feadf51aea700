import type { ChannelConfig } from '@accord/ledger-core';
import { computeBlockHash, computeTxId, isEnvelopeEntry, type Block } from '@accord/protocol';
import type { ChannelHead, FetchProblem } from '@accord/rules';
import { BlockEventInvalidError } from '../contracts.errors';
import type { LedgerClient } from '@accord/service-kit';
import { checkTxs, type BlockCommitted } from './block-committed.parser';
import type { ParsedRecord } from './block-record.mapper';

/** What the reader had to get from the ledger API for one event (before the transaction: no network inside it). */
export interface BlockExtras {
  block?: Block;
  config?: ChannelConfig;
  problem?: FetchProblem;
}

/**
 * Gets from the ledger API what the events of a batch that will be applied
 * lack: the txs of header-only events, and the configuration after blocks
 * that changed it when the event does not carry it. `heads` are the
 * channels' heads before the batch; it follows the heights the applier
 * will expect, so nothing is fetched for a record it will skip or halt on.
 */
export async function fetchBlockExtras(
  records: readonly ParsedRecord[],
  heads: (channel: string) => ChannelHead | undefined,
  ledger: LedgerClient | null,
): Promise<Map<number, BlockExtras>> {
  const extras = new Map<number, BlockExtras>();
  const expected = new Map<string, { height: number; genesis: ChannelConfig['genesis'] | null; halted: boolean }>();
  for (const { offset, event } of records) {
    if (event instanceof BlockEventInvalidError) continue;
    const head = heads(event.channel);
    const sim = expected.get(event.channel) ?? {
      height: (head?.height ?? -1) + 1,
      genesis: head?.config?.genesis ?? null,
      halted: head?.halted != null,
    };
    expected.set(event.channel, sim);
    const header = event.kind === 'full' ? event.block.header : event.header;
    if (sim.halted || header.height !== sim.height) continue;
    sim.height += 1;
    const extra: BlockExtras = {};
    extras.set(offset, extra);
    let block = event.kind === 'full' ? event.block : undefined;
    if (event.kind === 'header-only') {
      block = await fetchBlock(event, extra, ledger);
      if (block === undefined) continue;
    }
    if (event.config != null) sim.genesis = event.config.genesis;
    if (event.config !== undefined || !event.configChanged || block === undefined) continue;
    const genesis = sim.genesis ?? genesisOf(block);
    if (ledger === null) {
      extra.problem = {
        code: 'config_unavailable',
        message: `block ${event.channel}/${header.height} changed the channel configuration, its block.committed event does not carry it and ACCORD_LEDGER_URL is not set`,
      };
    } else if (genesis === null) {
      extra.problem = {
        code: 'config_unavailable',
        message: `block ${event.channel}/${header.height} changed the configuration, but no genesis tx of the channel is known`,
      };
    } else {
      extra.config = await ledger.configAfter(event.channel, header.height, genesis);
      sim.genesis = extra.config.genesis;
    }
  }
  return extras;
}

async function fetchBlock(
  event: Extract<BlockCommitted, { kind: 'header-only' }>,
  extra: BlockExtras,
  ledger: LedgerClient | null,
): Promise<Block | undefined> {
  const { channel, header, hash } = event;
  if (ledger === null) {
    extra.problem = {
      code: 'block_unavailable',
      message: `block ${channel}/${header.height} came without its txs (too large for one event) and ACCORD_LEDGER_URL is not set`,
    };
    return undefined;
  }
  const block = await ledger.block(channel, header.height);
  try {
    if (block.hash !== hash || computeBlockHash(block.header) !== hash)
      throw new Error(`the ledger answered block ${header.height} with hash ${block.hash}, the event has ${hash}`);
    checkTxs(block, (message) => {
      throw new Error(message);
    });
  } catch (error) {
    extra.problem = {
      code: 'block_divergence',
      message: `block ${channel}/${header.height}: ${(error as Error).message}`,
    };
    return undefined;
  }
  extra.block = block;
  return block;
}

/** The channel's genesis tx if this block holds it: the first valid channel.genesis (docs/ledger.md). */
function genesisOf(block: Block): ChannelConfig['genesis'] | null {
  for (let index = 0; index < block.txs.length; index++) {
    const entry = block.txs[index];
    if (isEnvelopeEntry(entry) && entry.code === 'valid' && entry.envelope.body.type === 'channel.genesis') {
      return { txId: computeTxId(entry.envelope.body), at: { height: block.header.height, index } };
    }
  }
  return null;
}
