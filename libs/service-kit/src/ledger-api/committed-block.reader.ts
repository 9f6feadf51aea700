import type { BlockCommittedEvent } from '@accord/events';
import type { ChannelConfig } from '@accord/ledger-core';
import type { Block } from '@accord/protocol';
import { DependencyUnavailableError } from '../errors/dependency-unavailable.classifier';
import { LedgerClient, LedgerUnavailableError } from './ledger.client';

/**
 * What a `block.committed` consumer must sometimes read from its ledger's
 * API: the txs of a block too large for one event, and the configuration
 * after a block that changed it when the event could not carry it. Until
 * the ledger answers, the consumer waits: both throw dependency_unavailable
 * (retried without limit, never parked), also when no ledger API is configured.
 */
export class CommittedBlockReader {
  constructor(private readonly ledger: LedgerClient | null) {}

  /** The event's block, complete. */
  async blockOf(event: BlockCommittedEvent): Promise<Block> {
    if ('txs' in event.block) return event.block;
    const { height } = event.block.header;
    return this.ask(`the txs of block ${event.channel}/${height}`, (ledger) => ledger.block(event.channel, height));
  }

  /** The configuration after the event's block, given the one before it (null: none projected yet). */
  async configAfter(event: BlockCommittedEvent, previous: ChannelConfig | null): Promise<ChannelConfig> {
    if (event.config !== undefined && event.config !== null) return event.config;
    const { channel } = event;
    const { height } = event.block.header;
    if (previous === null)
      throw new DependencyUnavailableError('network', `no configuration of ${channel} before block ${height}`);
    return this.ask(`the configuration after ${channel}/${height}`, (ledger) =>
      ledger.configAfter(channel, height, previous.genesis),
    );
  }

  private async ask<T>(what: string, ask: (ledger: LedgerClient) => Promise<T>): Promise<T> {
    if (this.ledger === null)
      throw new DependencyUnavailableError(
        'network',
        `${what} must be read from the ledger and ACCORD_LEDGER_URL is not set`,
      );
    try {
      return await ask(this.ledger);
    } catch (error) {
      if (error instanceof LedgerUnavailableError) throw new DependencyUnavailableError('network', error.message);
      throw error;
    }
  }
}
