import type { ChannelConfig, ClosedBlock } from '@accord/ledger-core';
import type { LogMessage, OutgoingMessage } from '@accord/event-bus';
import { BLOCK_COMMITTED, blockCommittedHeaders, type BlockCommittedEvent } from '@accord/events';
import { canonicalBytes, canonicalize } from '@accord/protocol';

export interface EventOptions {
  /** Put the configuration after the block into the event (a ledger that sends it). Default: false, like today's ledger. */
  readonly withConfig?: boolean;
  /** Leave the txs out (the ledger's form for blocks too large for one message). */
  readonly headerOnly?: boolean;
}

/**
 * block.committed events for closed blocks, as services/ledger encodes them
 * (docs/ledger.md): `configChanged` is true when the configuration after a
 * block differs from the one after the block before.
 */
export function blockCommittedEvents(
  blocks: readonly ClosedBlock[],
  options: EventOptions = {},
  previous: ChannelConfig | null = null,
): OutgoingMessage[] {
  let last = previous === null ? 'null' : canonicalize(previous);
  return blocks.map((closed) => {
    const key = closed.config === null ? 'null' : canonicalize(closed.config);
    const configChanged = key !== last;
    last = key;
    return blockCommittedMessage(closed, configChanged, options);
  });
}

export function blockCommittedMessage(
  closed: ClosedBlock,
  configChanged: boolean,
  options: EventOptions = {},
): OutgoingMessage {
  const { block, txIds, config } = closed;
  const event: BlockCommittedEvent = {
    type: BLOCK_COMMITTED,
    channel: block.header.channel,
    block: options.headerOnly === true ? { header: block.header, hash: block.hash } : block,
    txIds,
    configChanged,
    ...(options.withConfig === true ? { config } : {}),
  };
  return {
    key: block.header.channel,
    value: canonicalBytes(event),
    headers: blockCommittedHeaders(block.header.channel, block.header.height),
  };
}

/** Outgoing messages as a log would hand them back, at consecutive offsets from `from`. */
export function asLog(topic: string, messages: readonly OutgoingMessage[], from = 0): LogMessage[] {
  return messages.map((m, i) => ({
    topic,
    offset: from + i,
    timestamp: 1_700_000_000_000 + from + i,
    value: m.value,
    headers: m.headers ?? {},
  }));
}
