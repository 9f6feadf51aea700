import { AccordError } from '@accord/service-kit';

/** The catalog holds no dataset of that id (none registered on a followed channel, or not projected yet). */
export class DatasetNotFoundError extends AccordError {
  readonly code = 'dataset_not_found';

  constructor(readonly dataset: string) {
    super(`dataset ${dataset} is not in this catalog`, { dataset });
  }
}
