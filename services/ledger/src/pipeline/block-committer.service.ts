import { Injectable } from '@nestjs/common';
import { withTransaction } from '@accord/persistence';
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
    super(`channel ${channel}: next stored height is ${storedNext} but the group starts at ${first}`);
  }
}

/**
 * Group commit: stores consecutive closed blocks of one channel, their txs
 * and history rows, and the builder snapshot after the last one, in ONE
 * transaction, so the resume offset is never ahead of the blocks. The
 * channel row is locked first, so concurrent committers of one channel
 * serialise. Blocks the database already holds are compared by hash:
 * equal ones are skipped, a different one is a LedgerDivergenceError.
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
      const storedNext = state.snapshot.nextHeight;
      const first = group[0].closed.block.header.height;
      const last = group[group.length - 1].closed.block.header.height;
      let fresh = group;
      if (first < storedNext) {
        const stored = new Map(
          (await this.blocks.hashes(channel, first, Math.min(last, storedNext - 1), manager)).map((b) => [b.height, b.hash]),
        );
        for (const item of group) {
          const { height } = item.closed.block.header;
          if (height >= storedNext) break;
          const hash = stored.get(height) ?? null;
          if (hash !== item.closed.block.hash) throw new LedgerDivergenceError(channel, height, hash, item.closed.block.hash);
        }
        fresh = group.filter((item) => item.closed.block.header.height >= storedNext);
      }
      if (fresh.length === 0) return { stored: [], alreadyStored: group.length };
      const head = fresh[0].closed.block.header;
      if (head.height !== storedNext) throw new ChainGapError(channel, storedNext, head.height);
      if (head.prevHash !== state.snapshot.prevHash) {
        // Our block links to another parent than the stored head: one of the two chains is not the log's.
        throw new LedgerDivergenceError(channel, head.height - 1, state.snapshot.prevHash, head.prevHash);
      }
      await this.blocks.insertBlocks(manager, fresh);
      await this.channels.saveSnapshot(manager, fresh[fresh.length - 1].closed.snapshot);
      return { stored: fresh, alreadyStored: group.length - fresh.length };
    });
  }
}
