import type { ChannelConfig } from '@accord/ledger-core';
import { GENESIS_PREV_HASH } from '@accord/protocol';
import { isRulesError } from '../errors/rules.errors';
import { apply, type ApplyResult } from '../engine/rules.engine';
import type {
  AppliedChannel,
  AppliedChannels,
  BlockApplierEvent,
  BlockRecordCommand,
  ChannelHalt,
} from './block-applier.events';
import { evolveAppliedChannels, initialAppliedChannel } from './block-applier.evolver';

type BlockCommittedCommand = Extract<BlockRecordCommand, { type: 'block.received' }>;

/**
 * The block applier's decider (docs/contracts.md "Applying blocks"): what
 * one record of the blocks topic does to its channel. Blocks apply strictly
 * in height order; a height already applied with the same hash is skipped
 * (at-least-once delivery, ledger restarts); the channel halts — never
 * skipping a height — on a gap, a redelivered height with another hash, a
 * broken hash link, a block or configuration the reader could not obtain,
 * a record that does not verify, or a block the rule engine refuses. A
 * halted channel ignores every later record. Pure; the channels are only
 * read (evolveAppliedChannels applies the events).
 */
export function decideBlockRecord(command: BlockRecordCommand, channels: AppliedChannels): BlockApplierEvent[] {
  switch (command.type) {
    case 'record.invalid': {
      if (command.channel === null)
        return [{ type: 'record.skipped', offset: command.offset, message: command.message }];
      const { head } = channelOf(channels, command.channel);
      if (head.halted !== null) return [];
      return [
        halted(command.channel, {
          height: head.height + 1,
          code: command.code,
          message: `${command.message} (offset ${command.offset})`,
          at: command.at,
        }),
      ];
    }
    case 'block.received':
      return decideBlock(command, channelOf(channels, command.channel));
    default: {
      const unreachable: never = command;
      throw new Error(`unhandled block record ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Decides a run of records in log order, evolving the channels after each: the events in order and the channels after all of them. */
export function applyBlockRecords(
  channels: AppliedChannels,
  commands: readonly BlockRecordCommand[],
): { readonly events: BlockApplierEvent[]; readonly channels: AppliedChannels } {
  const events: BlockApplierEvent[] = [];
  let current = channels;
  for (const command of commands) {
    for (const event of decideBlockRecord(command, current)) {
      events.push(event);
      current = evolveAppliedChannels(current, event);
    }
  }
  return { events, channels: current };
}

function decideBlock(command: BlockCommittedCommand, channel: AppliedChannel): BlockApplierEvent[] {
  const { head } = channel;
  if (head.halted !== null) return [];
  const { header, hash, at } = command;
  const height = header.height;
  const halt = (haltHeight: number, code: string, message: string): BlockApplierEvent[] => [
    halted(command.channel, { height: haltHeight, code, message, at }),
  ];
  const expected = head.height + 1;
  if (height < expected) {
    const known = height === head.height ? head.blockHash : (channel.applied.get(height) ?? command.storedHash);
    if (known === hash) return [{ type: 'block.duplicate', channel: command.channel, height }];
    return halt(
      height,
      'block_divergence',
      `block ${height} was applied with hash ${String(known)}; a later event carries hash ${hash}`,
    );
  }
  if (height > expected) {
    return halt(
      expected,
      'height_gap',
      `expected block ${expected} but the next event is block ${height}: a block.committed event is missing from ${command.topic}`,
    );
  }
  const prevHash = head.blockHash ?? GENESIS_PREV_HASH;
  if (header.prevHash !== prevHash) {
    return halt(
      height,
      'chain_broken',
      `block ${height} links to ${header.prevHash}, but block ${height - 1} has hash ${prevHash}`,
    );
  }
  const { block, problem } = command;
  if (block === undefined) {
    return halt(
      height,
      problem?.code ?? 'block_unavailable',
      problem?.message ?? `block ${height} came without its txs`,
    );
  }
  let config: ChannelConfig | null;
  if (command.config !== undefined) config = command.config;
  else if (!command.configChanged) config = head.config;
  else if (command.fetchedConfig !== undefined) config = command.fetchedConfig;
  else {
    return halt(
      height,
      problem?.code ?? 'config_unavailable',
      problem?.message ?? `the configuration after block ${height} is unknown`,
    );
  }
  let result: ApplyResult;
  try {
    result = apply(channel.state, block, config);
  } catch (error) {
    // A RulesError is the engine refusing this block: the channel halts. Anything else is a bug.
    if (!isRulesError(error)) throw error;
    return halt(height, error.code, `the rule engine refused block ${height}: ${error.message}`);
  }
  return [{ type: 'block.applied', channel: command.channel, block, config, result }];
}

function channelOf(channels: AppliedChannels, channel: string): AppliedChannel {
  return channels.get(channel) ?? initialAppliedChannel(channel);
}

function halted(channel: string, halt: ChannelHalt): BlockApplierEvent {
  return { type: 'channel.halted', channel, halt };
}
