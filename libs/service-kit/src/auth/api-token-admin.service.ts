import { Inject, Injectable } from '@nestjs/common';
import { InjectClock, type Clock } from '../clock/clock.port';
import { ServiceLogger } from '../logging/service-logger';
import { generateApiToken, hashApiToken } from './api-token.authenticator';
import { decideApiTokenChange, type ApiTokenCommand } from './api-token-admin.decider';
import type { ApiTokenList, CreateApiTokenRequest, CreatedApiToken, RevokedApiToken } from './api-token-admin.dto';
import { API_TOKEN_STORE, type ApiTokenChange, type ApiTokenStore } from './api-token-store.port';
import type { Principal } from './principal.model';

/**
 * Administration of the department's API tokens (list, create, revoke) over
 * the service's token store. Any service can mount it: provide it in a
 * module and add a controller; the ledger does (`/v1/admin/tokens`). Every
 * change is logged here (without the secret) and by the store in its change log.
 */
@Injectable()
export class ApiTokenAdminService {
  private readonly log: ServiceLogger;

  constructor(
    @Inject(API_TOKEN_STORE) private readonly store: ApiTokenStore,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('ApiTokenAdmin');
  }

  async list(): Promise<ApiTokenList> {
    const entries = await this.store.current();
    return {
      tokens: entries.map((e) => ({
        name: e.name,
        roles: [...e.roles],
        createdAt: e.createdAt ?? null,
        createdBy: e.createdBy ?? null,
      })),
    };
  }

  /** Makes a token; its secret is returned here and nowhere else. */
  async create(request: CreateApiTokenRequest, by: Principal): Promise<CreatedApiToken> {
    const token = generateApiToken();
    const { record } = await this.change({
      kind: 'create',
      name: request.name,
      roles: request.roles,
      sha256: hashApiToken(token),
      at: this.now(),
      by: by.name,
    });
    return { name: record.name, roles: [...record.roles], token, createdAt: record.at };
  }

  async revoke(name: string, by: Principal): Promise<RevokedApiToken> {
    await this.change({ kind: 'revoke', name, at: this.now(), by: by.name });
    return { name, revoked: true };
  }

  private async change(command: ApiTokenCommand): Promise<ApiTokenChange> {
    const change = await this.store.update((entries) => decideApiTokenChange(entries, command));
    const { action, name, roles, by } = change.record;
    this.log.pino.info(
      { tokenAction: action, token: name, roles, by, tokenStore: this.store.source },
      action === 'create' ? 'API token created' : 'API token revoked',
    );
    return change;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
