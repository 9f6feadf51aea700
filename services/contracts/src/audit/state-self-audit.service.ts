import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceLogger } from '@accord/service-kit';
import type { ContractsConfig } from '../contracts.config';
import { RulesApplier, type StateAudit } from '../pipeline/rules-applier.service';

/**
 * Audits every applied channel's stored rule state in the background, every
 * `ACCORD_CONTRACTS_AUDIT_INTERVAL_MS` after the previous round ended, so
 * rows altered under a running service are found (and the channel halted)
 * without anyone calling the audit endpoint. The state is checked at start
 * anyway, so the first round runs one interval after boot.
 */
@Injectable()
export class StateSelfAuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: ServiceLogger;

  constructor(
    private readonly applier: RulesApplier,
    @Inject(SERVICE_CONFIG) private readonly config: ContractsConfig,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('contracts-self-audit');
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** One round: every channel applied here that is not halted yet; the verdicts of the channels audited. */
  async runOnce(): Promise<StateAudit[]> {
    const verdicts: StateAudit[] = [];
    for (const { head } of this.applier.channels()) {
      if (this.stopped) break;
      if (head.halted !== null) continue;
      const verdict = await this.applier.auditStored(head.channel);
      if (verdict !== undefined) verdicts.push(verdict);
    }
    return verdicts;
  }

  private schedule(): void {
    if (this.stopped || this.config.auditIntervalMs === 0) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) =>
          this.log.warn('background audit of the stored rule state could not run', { err: error }),
        )
        .finally(() => this.schedule());
    }, this.config.auditIntervalMs);
    this.timer.unref();
  }
}
