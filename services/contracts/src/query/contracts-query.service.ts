import { Injectable } from '@nestjs/common';
import {
  accountOf,
  evaluate,
  findDataset,
  findGrant,
  isLiveGrant,
  levelForScore,
  listDatasets,
  maxSensitivityOf,
  parametersFor,
  type DatasetRecord,
  type Evaluation,
  type GrantRecord,
  type RuleParams,
  type Sensitivity,
} from '@accord/rules';
import { InjectClock, InjectServiceContext, type Clock, type ServiceContext } from '@accord/service-kit';
import { RecordNotFoundError } from '../contracts.errors';
import { ChannelNotFoundError } from '@accord/service-kit';
import {
  ContractsReadRepository,
  type GrantQuery,
  type RequestListItem,
  type RequestQuery,
} from '../persistence/contracts-read.repository';
import { ReceiptRepository, type StoredDigest, type StoredReceipt } from '../persistence/receipt.repository';
import type { ChannelHalt } from '../persistence/rules-state.repository';
import { RulesApplier, type ChannelRuntime } from '../pipeline/rules-applier.service';
import type { EvaluateBody } from './query.dto';

export interface ChannelSummary {
  readonly channel: string;
  /** Height of the last applied block (-1: none yet). */
  readonly height: number;
  readonly blockHash: string | null;
  /** Block time of the last applied block. */
  readonly time: number;
  /** State digest after that block: what this department attests. */
  readonly digest: string | null;
  /** Highest height whose attestation and decision events went out. */
  readonly publishedHeight: number;
  /** Set when the channel stopped applying blocks, with the reason. */
  readonly halted: ChannelHalt | null;
}

export interface ChannelView extends ChannelSummary {
  /** Rule parameters the next block will be decided with (docs/rules.md "Parameters"). */
  readonly params: RuleParams;
  readonly counts: {
    readonly accounts: number;
    readonly datasets: number;
    readonly requests: number;
    readonly grants: number;
  };
}

export interface AccountView {
  readonly member: string;
  /** An active member of the channel (after the last applied block). */
  readonly active: boolean;
  readonly balance: number;
  readonly held: number;
  readonly score: number;
  readonly level: number;
  /** The most sensitive data this level may request. */
  readonly maxSensitivity: Sensitivity;
  /** The next permission level and the score it needs; null at the top level. */
  readonly nextLevel: { readonly level: number; readonly minScore: number } | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `after` (lists) or `from` (digests) for the next page; null on the last one. */
  readonly next: string | number | null;
}

export interface RequestView {
  readonly request: RequestListItem;
  /** The grant made for it, if any (a grant shares its request's id). */
  readonly grant: GrantRecord | null;
  /** Every receipt about it, in chain order: its history with the reasons. */
  readonly receipts: readonly StoredReceipt[];
}

export interface GrantView {
  readonly grant: GrantRecord;
  /** Active and not yet past its end at the last applied block's time. */
  readonly live: boolean;
  readonly receipts: readonly StoredReceipt[];
}

export interface EvaluationView {
  readonly channel: string;
  /** The state the answer is based on. */
  readonly height: number;
  /** Block time the request was judged at. */
  readonly at: number;
  readonly requester: string;
  readonly evaluation: Evaluation;
}

/** Read use cases: the in-memory rule state for accounts, datasets and dry runs; the query tables for lists and histories. */
@Injectable()
export class ContractsQueryService {
  constructor(
    private readonly applier: RulesApplier,
    private readonly reads: ContractsReadRepository,
    private readonly receipts: ReceiptRepository,
    @InjectServiceContext() private readonly context: ServiceContext,
    /** Wall clock for dry runs without `at` (the rules themselves only see block time). */
    @InjectClock() private readonly clock: Clock,
  ) {}

  channels(): ChannelSummary[] {
    return this.applier.channels().map(({ head }) => summary(head));
  }

  channel(channel: string): ChannelView {
    const { head, state } = this.runtime(channel);
    return {
      ...summary(head),
      params: parametersFor(state, head.config),
      counts: {
        accounts: Object.keys(state.accounts).length,
        datasets: Object.keys(state.datasets).length,
        requests: Object.keys(state.requests).length,
        grants: Object.keys(state.grants).length,
      },
    };
  }

  /** Points and levels of every member of the channel and of every department that holds points. */
  accounts(channel: string): {
    readonly channel: string;
    readonly height: number;
    readonly accounts: readonly AccountView[];
  } {
    const runtime = this.runtime(channel);
    const members = new Set([
      ...(runtime.head.config?.members.map((m) => m.id) ?? []),
      ...Object.keys(runtime.state.accounts),
    ]);
    return {
      channel,
      height: runtime.head.height,
      accounts: [...members].sort().map((member) => accountView(runtime, member)),
    };
  }

  account(channel: string, member: string): AccountView {
    return accountView(this.runtime(channel), member);
  }

  datasets(
    channel: string,
    owner?: string,
  ): { readonly channel: string; readonly height: number; readonly datasets: readonly DatasetRecord[] } {
    const { head, state } = this.runtime(channel);
    return { channel, height: head.height, datasets: listDatasets(state, owner) };
  }

  async dataset(
    channel: string,
    id: string,
  ): Promise<{ readonly dataset: DatasetRecord; readonly receipts: readonly StoredReceipt[] }> {
    const dataset = findDataset(this.runtime(channel).state, id);
    if (dataset === undefined)
      throw new RecordNotFoundError('dataset_not_found', `no dataset ${id} is registered on ${channel}`, {
        channel,
        dataset: id,
      });
    return { dataset, receipts: await this.receipts.receiptsAbout(channel, id) };
  }

  async requests(channel: string, query: RequestQuery): Promise<Page<RequestListItem>> {
    this.runtime(channel);
    const items = await this.reads.requests(channel, query);
    const last = items[items.length - 1];
    return {
      items,
      next: items.length === query.limit && last !== undefined ? `${last.requestedAt.height}:${last.id}` : null,
    };
  }

  async request(channel: string, id: string): Promise<RequestView> {
    const { state } = this.runtime(channel);
    const request = await this.reads.request(channel, id);
    if (request === undefined) {
      throw new RecordNotFoundError(
        'request_not_found',
        `no access request ${id} is on record on ${channel} (not committed or not applied yet?)`,
        { channel, request: id },
      );
    }
    return { request, grant: findGrant(state, id) ?? null, receipts: await this.receipts.receiptsAbout(channel, id) };
  }

  async grants(channel: string, query: GrantQuery): Promise<Page<GrantRecord>> {
    this.runtime(channel);
    const items = await this.reads.grants(channel, query);
    const last = items[items.length - 1];
    return {
      items,
      next: items.length === query.limit && last !== undefined ? `${last.grantedAt.height}:${last.id}` : null,
    };
  }

  async grant(channel: string, id: string): Promise<GrantView> {
    const { state } = this.runtime(channel);
    const grant = findGrant(state, id);
    if (grant === undefined)
      throw new RecordNotFoundError('grant_not_found', `no grant ${id} is on record on ${channel}`, {
        channel,
        grant: id,
      });
    return { grant, live: isLiveGrant(grant, state.time), receipts: await this.receipts.receiptsAbout(channel, id) };
  }

  /** The receipts a tx caused, waiting up to `waitMs` for them to appear. */
  async receiptsOfTx(
    txId: string,
    waitMs: number,
  ): Promise<{ readonly txId: string; readonly receipts: readonly StoredReceipt[] }> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const receipts = await this.receipts.receiptsOfTx(txId);
      if (receipts.length > 0) return { txId, receipts };
      if (this.clock.now() >= deadline) break;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(RECEIPT_POLL_MS, Math.max(1, deadline - this.clock.now()))),
      );
    }
    throw new RecordNotFoundError(
      'receipts_not_found',
      `no receipts for tx ${txId}: it is not committed and applied yet, was invalid (see the ledger's GET /v1/txs/${txId}), or is not a rules tx`,
      { txId },
    );
  }

  async digest(channel: string, height: number): Promise<StoredDigest> {
    this.runtime(channel);
    const digest = await this.receipts.digestAt(channel, height);
    if (digest === undefined)
      throw new RecordNotFoundError(
        'digest_not_found',
        `no state digest for ${channel} at height ${height} (not applied yet)`,
        { channel, height },
      );
    return digest;
  }

  async digests(channel: string, from: number, limit: number): Promise<Page<StoredDigest>> {
    this.runtime(channel);
    const items = await this.receipts.digests(channel, from, from + limit - 1);
    const last = items[items.length - 1];
    return { items, next: items.length === limit && last !== undefined ? last.height + 1 : null };
  }

  /** Dry run of an access request on the current state (nothing is signed or submitted). */
  evaluate(channel: string, body: EvaluateBody): EvaluationView {
    const { head, state } = this.runtime(channel);
    const requester = body.requester ?? this.context.department;
    const at = Math.max(body.at ?? this.clock.now(), state.time);
    const evaluation = evaluate(
      state,
      head.config,
      { requester, dataset: body.dataset, purpose: body.purpose, durationMs: body.durationMs },
      at,
    );
    return { channel, height: head.height, at, requester, evaluation };
  }

  private runtime(channel: string): ChannelRuntime {
    const runtime = this.applier.channel(channel);
    if (runtime === undefined) throw new ChannelNotFoundError(channel);
    return runtime;
  }
}

const RECEIPT_POLL_MS = 50;

function summary(head: ChannelRuntime['head']): ChannelSummary {
  return {
    channel: head.channel,
    height: head.height,
    blockHash: head.blockHash,
    time: head.time,
    digest: head.digest,
    publishedHeight: head.publishedHeight,
    halted: head.halted,
  };
}

function accountView({ head, state }: ChannelRuntime, member: string): AccountView {
  const params = parametersFor(state, head.config);
  const account = accountOf(state, member);
  const level = levelForScore(params, account.score);
  const next = params.levels[level + 1];
  return {
    member,
    active: head.config?.members.some((m) => m.id === member && m.status === 'active') ?? false,
    balance: account.balance,
    held: account.held,
    score: account.score,
    level,
    maxSensitivity: maxSensitivityOf(params, level),
    nextLevel: next === undefined ? null : { level: level + 1, minScore: next.minScore },
  };
}
