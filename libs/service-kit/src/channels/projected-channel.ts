import { channelConfigSchema, type ChannelConfig } from '@accord/ledger-core';
import { AccordError } from '../errors/accord.errors';

/**
 * What the services answer about the channels they follow: one definition
 * of each code for all of them (the ledger follows a channel's log; the
 * contracts service, the catalog and the storage gateway project its
 * blocks).
 */

/** The service follows no such channel (the ledger does not follow it, or no block of it was applied here): 404. */
export class ChannelNotFoundError extends AccordError {
  readonly code = 'channel_not_found';

  constructor(readonly channel: string) {
    super(`channel ${channel} is not followed by this service (no block of it was applied here)`, { channel });
  }
}

/** The projected configuration of a channel does not parse: the service's database was altered (500). */
export class ChannelConfigInvalidError extends AccordError {
  readonly code = 'channel_config_invalid';

  constructor(channel: string, reason: string) {
    super(`the stored configuration of channel ${channel} is invalid: ${reason}`, { channel });
  }
}

/** A department is not an active member of the channel: a tx it signs there would be invalid (409). */
export class NotChannelMemberError extends AccordError {
  readonly code = 'not_channel_member';

  constructor(channel: string, department: string) {
    super(`${department} is not an active member of channel ${channel}`, { channel, department });
  }
}

/** A channel configuration as a projection stored it (JSON text), checked again on the way out. */
export function storedChannelConfig(channel: string, text: string | null | undefined): ChannelConfig {
  if (text === undefined || text === null) throw new ChannelNotFoundError(channel);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ChannelConfigInvalidError(channel, 'not JSON');
  }
  const parsed = channelConfigSchema.safeParse(json);
  if (!parsed.success) throw new ChannelConfigInvalidError(channel, parsed.error.issues[0]?.message ?? 'invalid');
  if (parsed.data.channel !== channel) throw new ChannelConfigInvalidError(channel, `it names ${parsed.data.channel}`);
  return parsed.data;
}

/** The department's record if it is an active member of the configuration; not_channel_member otherwise. */
export function activeMemberOf(config: ChannelConfig, department: string): ChannelConfig['members'][number] {
  const member = config.members.find((m) => m.id === department && m.status === 'active');
  if (member === undefined) throw new NotChannelMemberError(config.channel, department);
  return member;
}
