import type { ApiTokenEntry } from './api-token.model';
import { ApiTokenStoreReadOnlyError } from './api-token.errors';
import type { ApiTokenChange, ApiTokenStore } from './api-token-store.port';

/** The tokens of ACCORD_API_TOKENS: fixed for the life of the process. */
export class InlineApiTokenStore implements ApiTokenStore {
  readonly source = 'ACCORD_API_TOKENS';

  constructor(private readonly entries: readonly ApiTokenEntry[]) {}

  async current(): Promise<readonly ApiTokenEntry[]> {
    return this.entries;
  }

  async update<T extends ApiTokenChange>(decide: (entries: readonly ApiTokenEntry[]) => T): Promise<T> {
    decide(this.entries);
    throw new ApiTokenStoreReadOnlyError();
  }
}
