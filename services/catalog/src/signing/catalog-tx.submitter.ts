import { Injectable } from '@nestjs/common';
import type { JsonObject, TxEnvelope } from '@accord/protocol';
import { DepartmentTxPublisher } from '@accord/service-kit';
import { CatalogTxChannels } from './catalog-tx-channels.service';

/** A tx the catalog signed as the department and handed to the channel's ordering topic. */
export interface SubmittedTx {
  readonly txId: string;
  /** pending: the block builders decide its validity from the log. */
  readonly status: 'pending';
  /** Path on the department's ledger API for this envelope's commit (GET, &waitMs=N to wait). */
  readonly statusUrl: string;
  readonly channel: string;
  readonly type: string;
  /** The signed envelope, exactly as published. */
  readonly envelope: TxEnvelope;
}

/**
 * Signs and publishes one catalog action through the department tx
 * publisher (docs/tx-publisher.md), after checking that the department is an
 * active member of the channel (a non-member's tx would only be flagged
 * invalid in its block).
 */
@Injectable()
export class CatalogTxSubmitter {
  constructor(
    private readonly channels: CatalogTxChannels,
    private readonly publisher: DepartmentTxPublisher,
  ) {}

  /** The department the catalog signs for. */
  get department(): string {
    return this.publisher.department;
  }

  async submit(channel: string, type: string, payload: JsonObject): Promise<SubmittedTx> {
    await this.channels.requireMember(channel, this.department);
    const published = await this.publisher.publish({ channel, type, payload });
    return {
      txId: published.txId,
      status: published.status,
      statusUrl: published.statusUrl,
      channel: published.channel,
      type,
      envelope: published.envelope,
    };
  }
}
