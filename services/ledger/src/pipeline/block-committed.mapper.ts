import { canonicalBytes, canonicalize, type Block } from '@accord/protocol';
import type { ChannelConfig } from '@accord/ledger-core';
import { BLOCK_COMMITTED, type BlockCommittedEvent } from '@accord/events';

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from('}');
const TYPE_LAST = `"type":${canonicalize(BLOCK_COMMITTED)}}`;

/**
 * JCS of a block.committed event (@accord/events `blockCommittedEventSchema`).
 * With the block's record bytes (each envelope entry's bytes are already its
 * JCS, as parseEnvelope admits only canonical JSON) the event is assembled
 * around them instead of re-serialising every envelope; without them it is
 * plain canonicalBytes. Both give the same bytes, and those bytes parse with
 * the schema to exactly themselves (see the spec): this hot path is checked
 * by tests rather than by a schema parse on every publish, which would cost
 * about as much as building the block. `v` is left out: absent means
 * version 1, so the bytes stay those of the events already on the logs.
 */
export function encodeBlockCommitted(
  block: Block,
  txIds: readonly (string | null)[],
  configChanged: boolean,
  records?: readonly Uint8Array[],
  config?: ChannelConfig | null,
): Uint8Array {
  const channel = block.header.channel;
  const withConfig = configAfter(configChanged, config);
  if (records === undefined) {
    const event: BlockCommittedEvent = { type: BLOCK_COMMITTED, channel, block, txIds, configChanged, ...withConfig };
    return canonicalBytes(event);
  }
  if (records.length !== block.txs.length)
    throw new Error(`block ${channel}/${block.header.height}: ${records.length} records for ${block.txs.length} txs`);
  const parts: Uint8Array[] = [
    Buffer.from(`{"block":{"hash":${canonicalize(block.hash)},"header":${canonicalize(block.header)},"txs":[`),
  ];
  block.txs.forEach((entry, i) => {
    if (i > 0) parts.push(COMMA);
    if ('envelope' in entry) {
      parts.push(Buffer.from(`{"code":${canonicalize(entry.code)},"envelope":`), records[i], CLOSE);
    } else {
      parts.push(Buffer.from(`{"code":${canonicalize(entry.code)},"raw":${canonicalize(entry.raw)}}`));
    }
  });
  parts.push(
    Buffer.from(
      `]},"channel":${canonicalize(channel)},${withConfig.config === undefined ? '' : `"config":${canonicalize(withConfig.config)},`}"configChanged":${configChanged},"txIds":${canonicalize(txIds)},${TYPE_LAST}`,
    ),
  );
  return Buffer.concat(parts);
}

/** The event without the block's txs, for a block too large for one bus message. */
export function encodeBlockCommittedHeaderOnly(
  block: Block,
  txIds: readonly (string | null)[],
  configChanged: boolean,
  config?: ChannelConfig | null,
): Uint8Array {
  const event: BlockCommittedEvent = {
    type: BLOCK_COMMITTED,
    channel: block.header.channel,
    block: { header: block.header, hash: block.hash },
    txIds,
    configChanged,
    ...configAfter(configChanged, config),
  };
  return canonicalBytes(event);
}

/** Consumers (the contracts' rule engine) need the configuration after every block that changed it. */
function configAfter(configChanged: boolean, config: ChannelConfig | null | undefined): { config?: ChannelConfig } {
  if (!configChanged) return {};
  if (!config)
    throw new Error('block.committed: a block that changed the configuration needs the configuration after it');
  return { config };
}
