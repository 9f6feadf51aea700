import type { Logger } from 'pino';
import type { ApiTokenSource } from '../config/common.config';
import { ConfigError } from '../config/config.errors';
import { ApiTokenStoreInvalidError } from './api-token.errors';
import type { ApiTokenStore } from './api-token-store.port';
import { FileApiTokenStore } from './file-api-token.store';
import { InlineApiTokenStore } from './inline-api-token.store';

/**
 * The token store of a service's configured source. The config already
 * checked the file; should it have gone bad since, that is still a
 * configuration error naming ACCORD_API_TOKENS_FILE and the file.
 */
export function openApiTokenStore(source: ApiTokenSource, log: Logger): ApiTokenStore {
  if (source.kind === 'inline') return new InlineApiTokenStore(source.entries);
  try {
    return FileApiTokenStore.open(source.path, { log });
  } catch (error) {
    if (!(error instanceof ApiTokenStoreInvalidError)) throw error;
    throw new ConfigError(
      error.problems.map((p) => ({ variable: 'ACCORD_API_TOKENS_FILE', reason: `${error.path}: ${p}` })),
    );
  }
}
