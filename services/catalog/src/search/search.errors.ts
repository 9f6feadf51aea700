import { AccordError } from '@accord/service-kit';

/**
 * Typed errors of the catalog search (docs/catalog-search.md "Errors"); their
 * HTTP status is in `catalogErrorStatus` (catalog.definition.ts).
 */
export abstract class SearchError extends AccordError {}

/** A query parameter GET /v1/datasets does not know: refused rather than silently ignored. */
export class UnsupportedFilterError extends SearchError {
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

/** A `cursor` that is not one this endpoint issued for the same query (other filters, other sort, altered). */
export class CursorInvalidError extends SearchError {
  readonly code = 'cursor_invalid';

  constructor(reason: string) {
    super(`cursor is invalid: ${reason}; start again without a cursor`, { reason });
  }
}

/** No dataset with that id in this catalog's directory. */
export class DatasetNotFoundError extends SearchError {
  readonly code = 'dataset_not_found';

  constructor(readonly dataset: string) {
    super(`no dataset ${dataset} is in this catalog (not registered on a followed channel, or not projected yet)`, {
      dataset,
    });
  }
}

/** A projected row that cannot be read back (a JSON column that does not parse): the database was altered. */
export class CorruptRowError extends SearchError {
  readonly code = 'catalog_row_corrupt';
}
