import { Injectable } from '@nestjs/common';
import { ChannelNotFoundError } from '@accord/service-kit';
import { RulesApplier, type StateAudit } from '../pipeline/rules-applier.service';

/** Audits of the stored rule state against what this service applied (docs/contracts.md "Auditing the stored state"). */
@Injectable()
export class StateAuditService {
  constructor(private readonly applier: RulesApplier) {}

  async audit(channel: string): Promise<StateAudit> {
    const verdict = await this.applier.auditStored(channel);
    if (verdict === undefined) throw new ChannelNotFoundError(channel);
    return verdict;
  }
}
