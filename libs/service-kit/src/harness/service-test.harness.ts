import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { hashApiToken } from '../auth/api-token.authenticator';
import { formatApiTokenList } from '../auth/api-token.model';
import { ROLES, type Role } from '../auth/principal.model';
import { bootstrapService, type RunningService } from '../bootstrap/bootstrap-service';
import type { ServiceDefinition } from '../bootstrap/service-definition';
import type { Clock } from '../clock/clock.port';
import type { SharedResources } from '../bootstrap/shared-resources';
import type { CommonConfig, Env } from '../config/common.config';
import { writeFileAtomic } from '../launcher/department-files';

export interface ServiceUnderTest<C extends CommonConfig = CommonConfig> {
  readonly service: RunningService<C>;
  readonly url: string;
  /** One bearer token per role (`tokens.provider`, ...) plus `all` holding every role. */
  readonly tokens: Readonly<Record<Role | 'all', string>>;
  /** The token store file (ACCORD_API_TOKENS_FILE) the service reads, unless its tokens are inline. */
  readonly apiTokensFile?: string;
  /** Temporary directory holding the service's data; removed by close(). */
  readonly dataDir: string;
  /** Every JSON log line the service wrote. */
  readonly logLines: readonly string[];
  close(): Promise<void>;
}

export interface ServiceUnderTestOptions {
  /** Overrides of the test environment (e.g. ACCORD_DATABASE for a real PostgreSQL). */
  readonly env?: Env;
  readonly shared?: SharedResources;
  /** The service's wall clock (default the system clock), e.g. a FakeClock from `@accord/service-kit/testing`. */
  readonly clock?: Clock;
  /**
   * Where the test tokens live: `inline` (default) passes them in
   * ACCORD_API_TOKENS; `file` writes them to a token store file in the
   * service's data dir (ACCORD_API_TOKENS_FILE); `{ sharedWith }` reads the
   * store file of another service under test, as the services of one
   * department do, and takes over its tokens.
   */
  readonly tokenStore?: 'inline' | 'file' | { readonly sharedWith: ServiceUnderTest };
}

/**
 * Boots a service in-process the way production does, on a free port,
 * PGlite in memory and an embedded log in a fresh temp dir, with one API
 * token per role. For service specs and e2e tests.
 */
export async function startServiceForTest<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  options: ServiceUnderTestOptions = {},
): Promise<ServiceUnderTest<C>> {
  const dataDir = await mkdtemp(join(tmpdir(), `accord-${definition.name}-`));
  const { tokens, tokenEnv, apiTokensFile } = await testTokens(options.tokenStore ?? 'inline', dataDir);
  const logLines: string[] = [];
  const capture: DestinationStream = { write: (line: string) => void logLines.push(line) };
  const env: Env = {
    ACCORD_DEPARTMENT: 'test-dept',
    ACCORD_DATA_DIR: dataDir,
    ACCORD_HTTP_PORT: '0',
    ACCORD_LOG_LEVEL: 'info',
    ACCORD_DATABASE: 'pglite:memory',
    ACCORD_BUS: `embedded:${join(dataDir, '_bus')}`,
    ...tokenEnv,
    ...options.env,
  };
  try {
    const service = await bootstrapService(definition, {
      env,
      logDestination: capture,
      drainTimeoutMs: 2000,
      ...(options.shared ? { shared: options.shared } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    return {
      service,
      url: service.url,
      tokens,
      ...(apiTokensFile ? { apiTokensFile } : {}),
      dataDir,
      logLines,
      close: async () => {
        await service.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** One token per role plus `all`, passed inline or through a token store file, or those of a service sharing its file. */
async function testTokens(
  store: NonNullable<ServiceUnderTestOptions['tokenStore']>,
  dataDir: string,
): Promise<{ tokens: Record<Role | 'all', string>; tokenEnv: Env; apiTokensFile?: string }> {
  if (typeof store === 'object') {
    const apiTokensFile = store.sharedWith.apiTokensFile;
    if (apiTokensFile === undefined) throw new Error('tokenStore.sharedWith: that service keeps its tokens inline');
    return {
      tokens: { ...store.sharedWith.tokens },
      tokenEnv: { ACCORD_API_TOKENS_FILE: apiTokensFile },
      apiTokensFile,
    };
  }
  const tokens = Object.fromEntries(
    [...ROLES, 'all' as const].map((name) => [name, `test_${name}_${randomBytes(16).toString('hex')}`]),
  ) as Record<Role | 'all', string>;
  const entries = Object.entries(tokens).map(([name, token]) => ({
    name,
    sha256: hashApiToken(token),
    roles: name === 'all' ? [...ROLES] : [name as Role],
  }));
  if (store === 'inline') return { tokens, tokenEnv: { ACCORD_API_TOKENS: JSON.stringify(entries) } };
  const apiTokensFile = join(dataDir, 'secrets', 'api-tokens.json');
  await writeFileAtomic(apiTokensFile, formatApiTokenList(entries), 0o600);
  return { tokens, tokenEnv: { ACCORD_API_TOKENS_FILE: apiTokensFile }, apiTokensFile };
}
