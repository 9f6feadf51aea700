import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the catalog service, one class per code. The actions'
 * errors (registration, requests, quality feedback) are raised before
 * anything is signed, so a refused action publishes nothing. Codes are
 * stable strings; the HTTP status of each is in `catalogErrorStatus`
 * (catalog.definition.ts; docs/services.md "Errors").
 */
export abstract class CatalogError extends AccordError {}

/** The directory holds no dataset of that id (none registered on a followed channel, or not projected yet). */
export class DatasetNotFoundError extends CatalogError {
  readonly code = 'dataset_not_found';

  constructor(readonly dataset: string) {
    super(`dataset ${dataset} is not in this catalog`, { dataset });
  }
}

/** No quality report of that id is in the directory. */
export class ReportNotFoundError extends CatalogError {
  readonly code = 'report_not_found';

  constructor(readonly report: string) {
    super(`no quality report ${report} is in the directory`, { report });
  }
}

/** A stored dataset row that cannot be mapped back (metadata or policy that is not what registration checked): the database was altered. */
export class CatalogRowCorruptError extends CatalogError {
  readonly code = 'catalog_row_corrupt';
}

/**
 * An action the rules (or the catalog's own rules for quality feedback)
 * would reject, refused before signing with the code the rules would give
 * where there is one.
 */
export class ActionRefusedError extends CatalogError {
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
export class ActionInputError extends CatalogError {
  constructor(
    readonly code: 'invalid_policy' | 'unknown_version' | 'invalid_fixed_version',
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, details);
  }
}

/** A query parameter GET /v1/datasets does not know: refused rather than silently ignored. */
export class UnsupportedFilterError extends CatalogError {
  readonly code = 'unsupported_filter';

  constructor(
    readonly parameters: readonly string[],
    supported: readonly string[],
  ) {
    super(`unsupported query parameter${parameters.length > 1 ? 's' : ''}: ${parameters.join(', ')}`, {
      parameters,
      supported,
    });
  }
}

/** A search `cursor` that is not one this endpoint issued for the same query (other filters, other sort, altered). */
export class CursorInvalidError extends CatalogError {
  readonly code = 'cursor_invalid';

  constructor(reason: string) {
    super(`cursor is invalid: ${reason}; start again without a cursor`, { reason });
  }
}
