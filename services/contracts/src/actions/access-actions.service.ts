import { Injectable } from '@nestjs/common';
import type { JsonObject, TxEnvelope } from '@accord/protocol';
import {
  dryRun,
  evaluate,
  findGrant,
  findRequest,
  rejectionOf,
  type Evaluation,
  type RulesTxPayloads,
  type RulesTxType,
} from '@accord/rules';
import { DepartmentTxPublisher, InjectClock, type Clock } from '@accord/service-kit';
import { ActionRejectedError, RecordNotFoundError } from '../contracts.errors';
import type { ReasonBody, RequestBody } from './actions.dto';
import { ContractsTxChannels } from './contracts-tx-channels.service';
import { RecordLocator } from './record-locator.service';

/** A tx this service signed for the department and handed to the channel's ordering topic. */
export interface SubmittedAction {
  readonly txId: string;
  /** pending: the block builders decide its validity from the log. */
  readonly status: 'pending';
  /** Path on the department's ledger API for this envelope's commit (GET, &waitMs= to wait), as the submission API answers. */
  readonly statusUrl: string;
  readonly channel: string;
  readonly type: RulesTxType;
  readonly envelope: TxEnvelope;
  /** Where its receipts appear once its block is applied (GET, ?waitMs= to wait). */
  readonly receiptsUrl: string;
  /** access.request only: what the rules would decide on the state known now (the block decides for real). */
  readonly expected?: Evaluation;
}

/** The txId a dry run names before the tx is signed (no decision depends on it). */
const UNSIGNED_TX_ID = '0'.repeat(64);

/**
 * The department's access actions (docs/contracts.md "Actions"): builds the
 * rules tx, checks it with a dry run of the rules decider on the state
 * applied here, and has the department tx publisher sign and publish it on
 * accord.<channel>.tx (docs/tx-publisher.md). What the rules would reject
 * (a `rejected` receipt: a consent to another department's request, a
 * cancel of a decided request, a request for an unknown dataset...) is
 * refused with the decider's code instead of being put on the chain.
 */
@Injectable()
export class AccessActionsService {
  constructor(
    private readonly channels: ContractsTxChannels,
    private readonly publisher: DepartmentTxPublisher,
    @InjectClock() private readonly clock: Clock,
    private readonly records: RecordLocator,
  ) {}

  async request(channel: string, body: RequestBody): Promise<SubmittedAction> {
    const { head, state } = this.channels.runtime(channel);
    const expected = evaluate(
      state,
      head.config,
      { ...body, requester: this.publisher.department },
      Math.max(this.clock.now(), state.time),
    );
    return { ...(await this.submit(channel, 'access.request', body)), expected };
  }

  /** `waitMs` (here and below): how long to wait for the record to be applied here (docs/contracts.md). */
  async consent(channel: string, request: string, waitMs = 0): Promise<SubmittedAction> {
    await this.requestOnRecord(channel, request, waitMs);
    return this.submit(channel, 'access.consent', { request });
  }

  async refuse(channel: string, request: string, body: ReasonBody, waitMs = 0): Promise<SubmittedAction> {
    await this.requestOnRecord(channel, request, waitMs);
    return this.submit(channel, 'access.refuse', {
      request,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
  }

  async cancel(channel: string, request: string, waitMs = 0): Promise<SubmittedAction> {
    await this.requestOnRecord(channel, request, waitMs);
    return this.submit(channel, 'access.cancel', { request });
  }

  async revoke(channel: string, grant: string, body: ReasonBody, waitMs = 0): Promise<SubmittedAction> {
    await this.records.waitFor(channel, (state) => findGrant(state, grant) !== undefined, waitMs);
    if (findGrant(this.channels.runtime(channel).state, grant) === undefined)
      throw new RecordNotFoundError('grant_not_found', `no grant ${grant} is on record on ${channel}`, {
        channel,
        grant,
      });
    return this.submit(channel, 'access.revoke', {
      grant,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
  }

  /** Returns once the request is applied here (waiting up to `waitMs`); else 409 request_not_applied or 404 request_not_found. */
  private async requestOnRecord(channel: string, request: string, waitMs: number): Promise<void> {
    await this.records.waitFor(channel, (state) => findRequest(state, request) !== undefined, waitMs);
    if (findRequest(this.channels.runtime(channel).state, request) === undefined)
      throw await this.records.requestNotFound(channel, request);
  }

  /** Dry-runs the tx on the applied state, then has the department tx publisher sign and publish it. */
  private async submit<T extends RulesTxType>(
    channel: string,
    type: T,
    payload: RulesTxPayloads[T],
  ): Promise<SubmittedAction> {
    const { head, state } = this.channels.runtime(channel);
    const from = this.publisher.department;
    const receipts = dryRun(state, head.config, { type, from, payload, txId: UNSIGNED_TX_ID }, this.clock.now());
    const rejected = rejectionOf(receipts);
    if (rejected !== undefined) {
      throw new ActionRejectedError(rejected.code, rejected.message, {
        channel,
        type,
        ...(rejected.issues.length > 0 ? { issues: rejected.issues } : {}),
      });
    }
    const published = await this.publisher.publish({ channel, type, payload: payload as unknown as JsonObject });
    return { ...published, type, receiptsUrl: `/v1/txs/${published.txId}/receipts` };
  }
}
