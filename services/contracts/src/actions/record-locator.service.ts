import { Inject, Injectable } from '@nestjs/common';
import type { RulesState } from '@accord/rules';
import { InjectClock, type Clock } from '@accord/service-kit';
import { RecordNotFoundError, RequestNotAppliedError } from '../contracts.errors';
import { LedgerClient, LedgerUnavailableError } from '@accord/service-kit';
import { LEDGER_CLIENT } from '../pipeline/pipeline.module';
import { RulesApplier } from '../pipeline/rules-applier.service';

/** How often a waiting action looks at the applied state again. */
const POLL_MS = 25;

/**
 * Finds the record an action is about (docs/contracts.md "Actions right
 * after the request"): waits up to `waitMs` for the block that brings it to
 * be applied, and tells a request that is not applied yet (409) from one
 * that does not exist (404) by asking this department's ledger.
 */
@Injectable()
export class RecordLocator {
  constructor(
    private readonly applier: RulesApplier,
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient | null,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Returns once `found(state)` holds for the channel's applied state, or after `waitMs`, or when the channel halted. */
  async waitFor(channel: string, found: (state: RulesState) => boolean, waitMs: number): Promise<void> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const runtime = this.applier.channel(channel);
      if (runtime !== undefined && (runtime.head.halted !== null || found(runtime.state))) return;
      const left = deadline - this.clock.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    }
  }

  /**
   * Why request `request` is not on record: 409 request_not_applied when the
   * ledger committed it as a valid access.request of this channel above the
   * height applied here, or holds it as submitted and pending; otherwise (also
   * without a ledger API, or when it does not answer) 404 request_not_found.
   */
  async requestNotFound(channel: string, request: string): Promise<RecordNotFoundError | RequestNotAppliedError> {
    const applied = this.applier.channel(channel)?.head.height ?? null;
    const status = await this.ledger?.txStatus(request).catch((error: unknown) => {
      if (error instanceof LedgerUnavailableError) return null;
      throw error;
    });
    if (status?.channel === channel) {
      if (status.status === 'pending')
        return new RequestNotAppliedError(channel, request, { status: 'pending' }, applied);
      if (status.code === 'valid' && status.type === 'access.request' && status.height > (applied ?? -1))
        return new RequestNotAppliedError(channel, request, { status: 'committed', height: status.height }, applied);
    }
    return new RecordNotFoundError(
      'request_not_found',
      `no access request ${request} is on record on ${channel} (not committed, not an access request, or decided without a record)`,
      { channel, request },
    );
  }
}
