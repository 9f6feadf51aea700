import { Injectable } from '@nestjs/common';
import { maxTxBytesOf } from '@accord/ledger-core';
import type { TxChannelView } from '@accord/service-kit';
import { ChannelHaltedError } from '../contracts.errors';
import { ChannelNotFoundError } from '@accord/service-kit';
import { RulesApplier, type ChannelRuntime } from '../pipeline/rules-applier.service';

/**
 * The channels the contracts service may act on, for its actions and the
 * department tx publisher: those it applied a block of and that are not
 * halted, with the envelope size limit of their latest configuration.
 */
@Injectable()
export class ContractsTxChannels implements TxChannelView {
  constructor(private readonly applier: RulesApplier) {}

  /** The channel's applied head and state; channel_not_found or channel_halted otherwise. */
  runtime(channel: string): ChannelRuntime {
    const runtime = this.applier.channel(channel);
    if (runtime === undefined) throw new ChannelNotFoundError(channel);
    if (runtime.head.halted !== null) throw new ChannelHaltedError(channel, runtime.head.halted.message);
    return runtime;
  }

  maxTxBytes(channel: string): number {
    return maxTxBytesOf(this.runtime(channel).head.config);
  }
}
