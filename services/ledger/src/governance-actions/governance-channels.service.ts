import { Injectable } from '@nestjs/common';
import { maxTxBytesOf, type ChannelConfig } from '@accord/ledger-core';
import { TopicNotFoundError, type EventBus } from '@accord/event-bus';
import { ChannelNotFoundError, InjectClock, InjectEventBus, type Clock, type TxChannelView } from '@accord/service-kit';
import { txTopic } from '@accord/events';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { ChannelRepository } from '../persistence/channel.repository';
import { ChannelCatchingUpError } from './governance-actions.errors';

/** How long an action waits for this ledger to build the channel up to the log end it saw. */
export const CATCH_UP_WAIT_MS = 10_000;
const CATCH_UP_POLL_MS = 25;

/**
 * The channels the governance actions act on, as this ledger has built
 * them: the latest committed configuration, read once the ledger has built
 * every record the channel's log held when the action came in (so a
 * proposal committed a moment ago is seen), and the envelope size limit for
 * the department tx publisher.
 */
@Injectable()
export class GovernanceChannels implements TxChannelView {
  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    private readonly channels: ChannelRepository,
    private readonly registry: ChannelRegistry,
    @InjectClock() private readonly clock: Clock,
  ) {}

  async maxTxBytes(channel: string): Promise<number> {
    const state = await this.channels.find(channel);
    if (state === undefined || !state.following) throw new ChannelNotFoundError(channel);
    return maxTxBytesOf(state.snapshot.config);
  }

  /** Records on the channel's tx topic (0: nobody created the channel, or its topic does not exist). */
  async logEnd(channel: string): Promise<number> {
    try {
      return await this.bus.endOffset(txTopic(channel));
    } catch (error) {
      if (error instanceof TopicNotFoundError) return 0;
      throw error;
    }
  }

  /**
   * The configuration after the last block, once this ledger has built the
   * channel up to the current log end: channel_not_found when it does not
   * follow the channel or the channel has no genesis block,
   * channel_catching_up when it is still behind after CATCH_UP_WAIT_MS.
   */
  async current(channel: string, waitMs = CATCH_UP_WAIT_MS): Promise<ChannelConfig> {
    const logEnd = await this.logEnd(channel);
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      // The runner first: when it has nothing left to commit, the state read after it is the latest.
      const drained = this.runnerDrained(channel, logEnd);
      const state = await this.channels.find(channel);
      if (state === undefined || !state.following) throw new ChannelNotFoundError(channel);
      if (state.snapshot.nextOffset >= logEnd || drained) {
        if (state.snapshot.config === null) throw new ChannelNotFoundError(channel);
        return state.snapshot.config;
      }
      if (this.clock.now() >= deadline) throw new ChannelCatchingUpError(channel, state.snapshot.nextOffset, logEnd);
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
    }
  }

  /**
   * The runner read every record below `logEnd` and has no block open or
   * waiting for its commit: what remains after the last block are cut
   * markers of blocks already closed, which move no committed offset.
   */
  private runnerDrained(channel: string, logEnd: number): boolean {
    const runner = this.registry.status(channel);
    return (
      runner !== undefined &&
      runner.readOffset >= logEnd &&
      runner.atEndOfLog &&
      runner.openBlock === null &&
      runner.pendingBlocks === 0
    );
  }
}
