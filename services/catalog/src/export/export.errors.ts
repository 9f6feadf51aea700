import { AccordError } from '@accord/service-kit';

/** The catalog does not follow this channel (no catalog_channel row). */
export class ChannelNotFoundError extends AccordError {
  readonly code = 'channel_not_found';

  constructor(readonly channel: string) {
    super(`channel ${channel} is not followed by this catalog`, { channel });
  }
}

/** A stored dataset row that cannot be mapped back (metadata or policy that is not what registration checked): the database was altered. */
export class CatalogRowCorruptError extends AccordError {
  readonly code = 'catalog_row_corrupt';
}
