import { Injectable } from '@nestjs/common';
import type { ChannelConfig } from '@accord/ledger-core';
import { BlockRepository } from '../persistence/block.repository';
import { ChannelRepository } from '../persistence/channel.repository';

interface History {
  /** Configuration versions by the height whose block produced them, ascending. */
  readonly versions: readonly { readonly height: number; readonly config: ChannelConfig }[];
  /** Every version up to this height is in `versions`. */
  readonly completeUpTo: number;
}

/**
 * The channel configuration in force at any committed height (members,
 * their keys and status, policy, open proposals), from the stored
 * configuration versions. Cached per channel and reloaded when asked about
 * a height past the cached head.
 */
@Injectable()
export class ConfigHistoryService {
  private readonly cache = new Map<string, History>();

  constructor(
    private readonly blocks: BlockRepository,
    private readonly channels: ChannelRepository,
  ) {}

  /** The configuration after block `height` (the last version at or below it); null before genesis or past the head. */
  async configAt(channel: string, height: number): Promise<ChannelConfig | null> {
    const history = await this.history(channel, height);
    if (height > history.completeUpTo) return null;
    let found: ChannelConfig | null = null;
    for (const version of history.versions) {
      if (version.height > height) break;
      found = version.config;
    }
    return found;
  }

  private async history(channel: string, height: number): Promise<History> {
    const cached = this.cache.get(channel);
    if (cached !== undefined && height <= cached.completeUpTo) return cached;
    // Versions are committed with their blocks: read the head first, then every version up to it is stored.
    const state = await this.channels.find(channel);
    const versions = await this.blocks.configVersions(channel);
    const history = { versions, completeUpTo: (state?.snapshot.nextHeight ?? 0) - 1 };
    this.cache.set(channel, history);
    return history;
  }
}
