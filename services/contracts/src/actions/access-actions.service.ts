import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import { computeTxId, encodeEnvelope, signTx, type JsonObject, type TxEnvelope } from '@accord/protocol';
import {
  evaluate,
  findGrant,
  findRequest,
  isLiveGrant,
  type Evaluation,
  type RequestRecord,
  type RulesTxPayloads,
  type RulesTxType,
} from '@accord/rules';
import { InjectEventBus, publishForRequest } from '@accord/service-kit';
import { CLOCK, type Clock } from '../clock.provider';
import { txRecordHeaders, txTopic } from '@accord/events';
import {
  ActionRejectedError,
  ChannelHaltedError,
  ChannelNotFoundError,
  RecordNotFoundError,
} from '../contracts.errors';
import { DEPARTMENT_SIGNER, type DepartmentSigner } from '../keys/department-signer.provider';
import { RulesApplier, type ChannelRuntime } from '../pipeline/rules-applier.service';
import type { ReasonBody, RequestBody } from './actions.dto';
import { RecordLocator } from './record-locator.service';

/** A tx this service signed for the department and handed to the channel's ordering topic. */
export interface SubmittedAction {
  readonly txId: string;
  readonly channel: string;
  readonly type: RulesTxType;
  readonly envelope: TxEnvelope;
  /** Where its receipts appear once its block is applied (GET, ?waitMs= to wait). */
  readonly receiptsUrl: string;
  /** access.request only: what the rules would decide on the state known now (the block decides for real). */
  readonly expected?: Evaluation;
}

/** Nonces are drawn at random below 2^48 - 1 (randomInt's range limit): unique per (department, channel) without coordinating the department's services. */
const NONCE_RANGE = 2 ** 48 - 1;

/**
 * The department's access actions (docs/contracts.md "Actions"): builds the
 * rules tx, signs it with the department key and publishes it on
 * accord.<channel>.tx, the channel's ordering topic, as the ledger's
 * submission API does. Provider actions are checked against the known
 * state first, so a consent to another department's request is refused
 * here instead of burning a nonce on a rejected tx.
 */
@Injectable()
export class AccessActionsService {
  constructor(
    private readonly applier: RulesApplier,
    @InjectEventBus() private readonly bus: EventBus,
    @Inject(DEPARTMENT_SIGNER) private readonly signer: DepartmentSigner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly records: RecordLocator,
  ) {}

  async request(channel: string, body: RequestBody): Promise<SubmittedAction> {
    const { head, state } = this.runtime(channel);
    const expected = evaluate(
      state,
      head.config,
      { ...body, requester: this.signer.department },
      Math.max(this.clock(), state.time),
    );
    return { ...(await this.submit(channel, 'access.request', body)), expected };
  }

  /** `waitMs` (here and below): how long to wait for the record to be applied here (docs/contracts.md). */
  async consent(channel: string, request: string, waitMs = 0): Promise<SubmittedAction> {
    await this.pendingRequestWeProvide(channel, request, waitMs);
    return this.submit(channel, 'access.consent', { request });
  }

  async refuse(channel: string, request: string, body: ReasonBody, waitMs = 0): Promise<SubmittedAction> {
    await this.pendingRequestWeProvide(channel, request, waitMs);
    return this.submit(channel, 'access.refuse', {
      request,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
  }

  async cancel(channel: string, request: string, waitMs = 0): Promise<SubmittedAction> {
    const found = await this.requestOnRecord(channel, request, waitMs);
    if (found.requester !== this.signer.department) {
      throw new ActionRejectedError(
        'not_requester',
        `only the requester ${found.requester} may cancel request ${request}`,
        { channel, request, requester: found.requester },
      );
    }
    if (found.status !== 'pending') throw notPending(channel, request, found.status);
    return this.submit(channel, 'access.cancel', { request });
  }

  async revoke(channel: string, grant: string, body: ReasonBody, waitMs = 0): Promise<SubmittedAction> {
    await this.records.waitFor(channel, (state) => findGrant(state, grant) !== undefined, waitMs);
    const { state } = this.runtime(channel);
    const found = findGrant(state, grant);
    if (found === undefined)
      throw new RecordNotFoundError('grant_not_found', `no grant ${grant} is on record on ${channel}`, {
        channel,
        grant,
      });
    if (found.provider !== this.signer.department) {
      throw new ActionRejectedError('not_provider', `only the provider ${found.provider} may revoke grant ${grant}`, {
        channel,
        grant,
        provider: found.provider,
      });
    }
    if (found.status === 'exhausted')
      throw new ActionRejectedError('grant_exhausted', `grant ${grant} has used all of its accesses`, {
        channel,
        grant,
      });
    if (!isLiveGrant(found, state.time)) {
      throw new ActionRejectedError(
        'grant_not_active',
        `grant ${grant} is ${found.status === 'active' ? 'expired' : found.status}`,
        { channel, grant, status: found.status },
      );
    }
    return this.submit(channel, 'access.revoke', {
      grant,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
  }

  private async pendingRequestWeProvide(channel: string, request: string, waitMs: number): Promise<void> {
    const found = await this.requestOnRecord(channel, request, waitMs);
    if (found.provider !== this.signer.department) {
      throw new ActionRejectedError(
        'not_provider',
        `only the provider ${found.provider} may decide request ${request}`,
        { channel, request, provider: found.provider },
      );
    }
    if (found.status !== 'pending') throw notPending(channel, request, found.status);
  }

  /** The request once applied here (waiting up to `waitMs`); else 409 request_not_applied or 404 request_not_found. */
  private async requestOnRecord(channel: string, request: string, waitMs: number): Promise<RequestRecord> {
    await this.records.waitFor(channel, (state) => findRequest(state, request) !== undefined, waitMs);
    const found = findRequest(this.runtime(channel).state, request);
    if (found === undefined) throw await this.records.requestNotFound(channel, request);
    return found;
  }

  private async submit<T extends RulesTxType>(
    channel: string,
    type: T,
    payload: RulesTxPayloads[T],
  ): Promise<SubmittedAction> {
    const envelope = signTx(
      {
        v: 1,
        channel,
        type,
        from: this.signer.department,
        nonce: randomInt(0, NONCE_RANGE),
        ts: this.clock(),
        payload: payload as unknown as JsonObject,
      },
      this.signer.signer,
    );
    await publishForRequest(this.bus, txTopic(channel), [
      { value: encodeEnvelope(envelope), headers: txRecordHeaders('tx') },
    ]);
    const txId = computeTxId(envelope.body);
    return { txId, channel, type, envelope, receiptsUrl: `/v1/txs/${txId}/receipts` };
  }

  private runtime(channel: string): ChannelRuntime {
    const runtime = this.applier.channel(channel);
    if (runtime === undefined) throw new ChannelNotFoundError(channel);
    if (runtime.head.halted !== null) throw new ChannelHaltedError(channel, runtime.head.halted.message);
    return runtime;
  }
}

function notPending(channel: string, request: string, status: string): ActionRejectedError {
  return new ActionRejectedError('request_not_pending', `request ${request} is ${status}, not pending`, {
    channel,
    request,
    status,
  });
}
