import { AccordError } from '../errors/accord.errors';

/** A token with this name already exists (names are unique in a department). */
export class ApiTokenExistsError extends AccordError {
  readonly code = 'token_exists';

  constructor(name: string) {
    super(`an API token named "${name}" already exists`, { name });
  }
}

/** No token with this name. */
export class ApiTokenNotFoundError extends AccordError {
  readonly code = 'token_not_found';

  constructor(name: string) {
    super(`no API token named "${name}"`, { name });
  }
}

/** Revoking this token would leave no token with the sysadmin role, and so nobody able to make new ones. */
export class LastSysadminTokenError extends AccordError {
  readonly code = 'last_sysadmin_token';

  constructor(name: string) {
    super(`"${name}" is the last token with the sysadmin role: create another sysadmin token before revoking it`, {
      name,
    });
  }
}

/** The tokens come from ACCORD_API_TOKENS, which only a redeploy changes. */
export class ApiTokenStoreReadOnlyError extends AccordError {
  readonly code = 'token_store_read_only';

  constructor() {
    super(
      'the API tokens of this service come from ACCORD_API_TOKENS (read-only); set ACCORD_API_TOKENS_FILE to administer tokens through the API',
    );
  }
}

/** The token store file is missing or does not hold a valid token list. */
export class ApiTokenStoreInvalidError extends AccordError {
  readonly code = 'token_store_invalid';

  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`API token store ${path}: ${problems.join('; ')}`, { path, problems });
  }
}
