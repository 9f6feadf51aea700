import { Injectable } from '@nestjs/common';
import { maxTxBytesOf, type ChannelConfig } from '@accord/ledger-core';
import { activeMemberOf, storedChannelConfig, type TxChannelView } from '@accord/service-kit';
import { DataSource } from 'typeorm';

/**
 * The channels the catalog may sign on, for its actions and the department
 * tx publisher: those whose configuration the projection stored
 * (catalog_channel.config, the configuration after the last block it
 * applied), with the envelope size limit of that configuration.
 */
@Injectable()
export class CatalogTxChannels implements TxChannelView {
  constructor(private readonly db: DataSource) {}

  /** The channel's latest projected configuration; channel_not_found when there is none. */
  async config(channel: string): Promise<ChannelConfig> {
    const rows: { config: string | null }[] = await this.db.query(
      'SELECT config FROM catalog_channel WHERE channel = $1',
      [channel],
    );
    return storedChannelConfig(channel, rows[0]?.config);
  }

  async maxTxBytes(channel: string): Promise<number> {
    return maxTxBytesOf(await this.config(channel));
  }

  /** Refuses (not_channel_member) when `department` is not an active member of the channel: its tx would be invalid. */
  async requireMember(channel: string, department: string): Promise<ChannelConfig> {
    const config = await this.config(channel);
    activeMemberOf(config, department);
    return config;
  }
}
