import { initialRulesState } from '../state/rules-state.schema';
import type { AppliedChannel, AppliedChannels, BlockApplierEvent } from './block-applier.events';

/** A channel no block of which has been applied. */
export function initialAppliedChannel(channel: string): AppliedChannel {
  return {
    head: {
      channel,
      height: -1,
      blockHash: null,
      time: 0,
      digest: null,
      config: null,
      publishedHeight: -1,
      halted: null,
    },
    state: initialRulesState(),
    applied: new Map(),
  };
}

/** The channels after one event of the block applier. Pure: the input is not modified. */
export function evolveAppliedChannels(channels: AppliedChannels, event: BlockApplierEvent): AppliedChannels {
  switch (event.type) {
    case 'record.skipped':
    case 'block.duplicate':
      return channels;
    case 'channel.halted': {
      const current = channels.get(event.channel) ?? initialAppliedChannel(event.channel);
      return new Map(channels).set(event.channel, { ...current, head: { ...current.head, halted: event.halt } });
    }
    case 'block.applied': {
      const current = channels.get(event.channel) ?? initialAppliedChannel(event.channel);
      const { header, hash } = event.block;
      const { state, digest } = event.result;
      return new Map(channels).set(event.channel, {
        head: {
          ...current.head,
          height: header.height,
          blockHash: hash,
          time: header.time,
          digest,
          config: event.config,
        },
        state,
        applied: new Map(current.applied).set(header.height, hash),
      });
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled block applier event ${JSON.stringify(unreachable)}`);
    }
  }
}
