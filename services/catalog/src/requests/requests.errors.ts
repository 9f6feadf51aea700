import { CatalogError } from '../catalog.errors';
import type { RequestItemResult } from './requests.service';

/** POST /v1/requests where no item could be submitted: 422 with every item's refusal in details.results. */
export class RequestsRefusedError extends CatalogError {
  readonly code = 'requests_refused';

  constructor(readonly results: readonly RequestItemResult[]) {
    super(
      `none of the ${results.length} requested datasets could be requested: ${results
        .map((r) => `${r.dataset}: ${r.status === 'refused' ? r.error.code : r.status}`)
        .join('; ')}`,
      { results },
    );
  }
}
