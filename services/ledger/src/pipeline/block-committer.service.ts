import { Injectable } from '@nestjs/common';
import { withTransaction } from '@accord/persistence';
import { GENESIS_PREV_HASH } from '@accord/protocol';
import { DataSource } from 'typeorm';
import { LedgerDivergenceError } from '../ledger.errors';
import { BlockRepository, type BlockToCommit } from '../persistence/block.repository';
import { ChannelRepository } from '../persistence/channel.repository';

export interface CommitOutcome {
  /** Blocks inserted by this call, in height order. */
  readonly stored: readonly BlockToCommit[];
  /** Blocks of the group the database already held with the same hash (skipped). */
  readonly alreadyStored: number;
}

/** A group does not continue the stored chain (a height is missing in between). */
export class ChainGapError extends Error {
  readonly code = 'ledger_chain_gap';

  constructor(channel: string, storedNext: number, first: number) {
    super(
      `channel ${channel}: the group starts at height ${first} but neither block ${first - 1} nor the snapshot (next height ${storedNext}) precedes it`,
    );
  }
}

/**
 * Group commit: stores consecutive closed blocks of one channel, their txs
 * and history rows, and the builder snapshot after the last one, in ONE
 * transaction, so the resume offset is never ahead of the blocks. The
 * channel row is locked first, so concurrent committers of one channel
 * serialise. Blocks the database already holds are compared by hash:
 * equal ones are skipped, a different one (or a first block that does not
 * link to the stored parent) is a LedgerDivergenceError. The snapshot only
 * ever moves forward.
 */
@Injectable()
export class BlockCommitter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelRepository,
    private readonly blocks: BlockRepository,
  ) {}

  async commit(channel: string, group: readonly BlockToCommit[]): Promise<CommitOutcome> {
    if (group.length === 0) return { stored: [], alreadyStored: 0 };
    return withTransaction(this.dataSource, async (manager) => {
      const state = await this.channels.lockForCommit(manager, channel);
      const first = group[0].closed.block.header;
      const last = group[group.length - 1].closed.block.header;
      // Normally none of these exist yet; after a rewound snapshot (an older backup of the channel row) they may.
      const stored = new Map(
        (await this.blocks.hashes(channel, Math.max(first.height - 1, 0), last.height, manager)).map((b) => [
          b.height,
          b.hash,
        ]),
      );
      const parent =
        first.height === 0
          ? GENESIS_PREV_HASH
          : (stored.get(first.height - 1) ??
            (first.height === state.snapshot.nextHeight ? state.snapshot.prevHash : undefined));
      if (parent === undefined) throw new ChainGapError(channel, state.snapshot.nextHeight, first.height);
      // Our block links to another parent than the stored chain: one of the two is not the log's.
      if (first.prevHash !== parent) throw new LedgerDivergenceError(channel, first.height - 1, parent, first.prevHash);
      const fresh: BlockToCommit[] = [];
      for (const item of group) {
        const { height } = item.closed.block.header;
        const hash = stored.get(height);
        if (hash === undefined) fresh.push(item);
        else if (hash !== item.closed.block.hash)
          throw new LedgerDivergenceError(channel, height, hash, item.closed.block.hash);
      }
      await this.blocks.insertBlocks(manager, fresh);
      if (last.height + 1 > state.snapshot.nextHeight)
        await this.channels.saveSnapshot(manager, group[group.length - 1].closed.snapshot);
      return { stored: fresh, alreadyStored: group.length - fresh.length };
    });
  }
}
