import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the catalog's actions (registration, requests, quality
 * feedback): each is raised before anything is signed, so a refused action
 * publishes nothing. Codes are stable strings; the HTTP status of each is in
 * `catalogErrorStatus` (catalog.definition.ts; docs/services.md "Errors").
 */
export abstract class CatalogActionError extends AccordError {}

/** The catalog has no configuration of the channel (it followed no block of it): 404. */
export class ChannelNotFoundError extends CatalogActionError {
  readonly code = 'channel_not_found';

  constructor(readonly channel: string) {
    super(`channel ${channel} is not known to this catalog (no configuration of it was projected)`, { channel });
  }
}

/** The projected configuration of a channel does not parse: the catalog's database was altered. */
export class ChannelConfigInvalidError extends CatalogActionError {
  readonly code = 'channel_config_invalid';

  constructor(channel: string, reason: string) {
    super(`the stored configuration of channel ${channel} is invalid: ${reason}`, { channel });
  }
}

/** This department is not an active member of the channel: the ledger would flag its tx invalid. */
export class NotChannelMemberError extends CatalogActionError {
  readonly code = 'not_channel_member';

  constructor(channel: string, department: string) {
    super(`${department} is not an active member of channel ${channel}`, { channel, department });
  }
}

/** A dataset, report or version the directory does not hold. */
export class CatalogNotFoundError extends CatalogActionError {
  constructor(
    readonly code: 'dataset_not_found' | 'report_not_found',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/**
 * An action the rules (or the catalog's own rules for quality feedback)
 * would reject, refused before signing with the code the rules would give
 * where there is one.
 */
export class ActionRefusedError extends CatalogActionError {
  constructor(
    readonly code:
      | 'dataset_exists'
      | 'dataset_deprecated'
      | 'not_owner'
      | 'own_dataset'
      | 'version_not_next'
      | 'duplicate_request'
      | 'report_closed',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/** Input that is well-formed but names something invalid (a policy outside the ODRL subset, an unknown version). */
export class ActionInputError extends CatalogActionError {
  constructor(
    readonly code: 'invalid_policy' | 'unknown_version' | 'invalid_fixed_version',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}
