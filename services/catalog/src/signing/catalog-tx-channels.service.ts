import { Injectable } from '@nestjs/common';
import { channelConfigSchema, maxTxBytesOf, type ChannelConfig } from '@accord/ledger-core';
import type { TxChannelView } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { ChannelConfigInvalidError, ChannelNotFoundError, NotChannelMemberError } from '../catalog.errors';

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
    const text = rows[0]?.config;
    if (text === undefined || text === null) throw new ChannelNotFoundError(channel);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ChannelConfigInvalidError(channel, 'not JSON');
    }
    const parsed = channelConfigSchema.safeParse(json);
    if (!parsed.success) throw new ChannelConfigInvalidError(channel, parsed.error.issues[0]?.message ?? 'invalid');
    if (parsed.data.channel !== channel)
      throw new ChannelConfigInvalidError(channel, `it names ${parsed.data.channel}`);
    return parsed.data;
  }

  async maxTxBytes(channel: string): Promise<number> {
    return maxTxBytesOf(await this.config(channel));
  }

  /** Refuses (not_channel_member) when `department` is not an active member of the channel: its tx would be invalid. */
  async requireMember(channel: string, department: string): Promise<ChannelConfig> {
    const config = await this.config(channel);
    if (!config.members.some((m) => m.id === department && m.status === 'active'))
      throw new NotChannelMemberError(channel, department);
    return config;
  }
}
