import { Injectable } from '@nestjs/common';
import { maxTxBytesOf } from '@accord/ledger-core';
import type { EventBus } from '@accord/event-bus';
import { checkTxEnvelope, InjectEventBus, publishForRequest } from '@accord/service-kit';
import { ChannelNotFoundError } from '@accord/service-kit';
import { txRecordHeaders, txTopic } from '@accord/events';
import { ChannelRepository } from '../persistence/channel.repository';
import { TxStatusService, type TxStatus } from './tx-status.service';

export interface SubmissionOutcome {
  /** False when this envelope (txId and signature) was already submitted or committed: nothing was published. */
  readonly published: boolean;
  /** The envelope's signature (its status URL names it). */
  readonly sig: string;
  readonly status: TxStatus;
}

/**
 * POST /v1/channels/:channel/txs: checks an envelope's form and size,
 * publishes it to the channel's tx topic (header kind=tx) and answers with
 * its txId. Validity (membership, signature, nonce) is decided by the block
 * builders from the log, not here. An envelope already committed, or
 * submitted here and still pending, is not published again. A duplicate is
 * the same envelope, txId and signature: the same body with another
 * signature (the member's own after a forged copy, a re-signature after a
 * key rotation) is published, and the chain decides (docs/ledger.md).
 */
@Injectable()
export class TxSubmissionService {
  /** Publishes in flight by envelope (txId and signature), so concurrent duplicates wait for the first instead of publishing twice. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    private readonly channels: ChannelRepository,
    private readonly txs: TxStatusService,
  ) {}

  /** `body`: the request body exactly as received (undefined when it was not JSON). */
  async submit(channel: string, body: Uint8Array | undefined): Promise<SubmissionOutcome> {
    const state = await this.channels.find(channel);
    if (state === undefined || !state.following) throw new ChannelNotFoundError(channel);
    // The envelope checks the department's tx publisher applies too (docs/tx-publisher.md).
    const { bytes, txId, sig } = checkTxEnvelope(body, channel, maxTxBytesOf(state.snapshot.config));
    const key = `${txId}:${sig}`;

    const running = this.inFlight.get(key);
    if (running !== undefined) {
      await running;
      return { published: false, sig, status: await this.currentStatus(txId, sig, channel) };
    }
    const known = this.txs.pendingStatus(txId, sig) ?? (await this.txs.status(txId, sig));
    if (known !== undefined) return { published: false, sig, status: known };

    const publish = this.publish(channel, txId, sig, bytes);
    this.inFlight.set(key, publish);
    try {
      await publish;
    } finally {
      this.inFlight.delete(key);
    }
    return { published: true, sig, status: { txId, status: 'pending', channel } };
  }

  private async publish(channel: string, txId: string, sig: string, bytes: Uint8Array): Promise<void> {
    this.txs.markPending(txId, sig, channel);
    try {
      await publishForRequest(this.bus, txTopic(channel), [{ value: bytes, headers: txRecordHeaders('tx') }]);
    } catch (error) {
      this.txs.forgetPending(txId, sig);
      throw error;
    }
  }

  private async currentStatus(txId: string, sig: string, channel: string): Promise<TxStatus> {
    return (await this.txs.status(txId, sig)) ?? { txId, status: 'pending', channel };
  }
}
