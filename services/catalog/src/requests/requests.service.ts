import { Injectable } from '@nestjs/common';
import { parseIsoDurationMs } from '@accord/rules';
import { AccordError, InjectClock, ServiceLogger, type Clock } from '@accord/service-kit';
import { ActionDirectory, type DirectoryDataset } from '../signing/action-directory.repository';
import { ActionRefusedError, DatasetNotFoundError } from '../catalog.errors';
import { CatalogTxSubmitter } from '../signing/catalog-tx.submitter';
import { DEFAULT_PAGE, type MyRequestsQuery, type RequestBatchBody } from './requests.dto';
import { RequestsRefusedError } from './requests.errors';
import { accessesLeft, grantLiveAt } from '../search/dataset-standing.mapper';
import { RequestStandingRepository, type RequestRecord } from './request-standing.repository';

/** One access request of a batch, as it will be signed. */
interface PlannedRequest {
  readonly dataset: string;
  readonly purpose: string;
  readonly durationMs: number;
}

/** What became of one item of POST /v1/requests (in input order). */
export type RequestItemResult =
  | {
      readonly dataset: string;
      readonly status: 'submitted';
      /** The request id (and the grant id, if granted): the access.request's txId. */
      readonly txId: string;
      readonly statusUrl: string;
      readonly channel: string;
      readonly purpose: string;
      readonly durationMs: number;
    }
  | {
      readonly dataset: string;
      readonly status: 'refused';
      readonly error: { readonly code: string; readonly message: string };
    };

export interface RequestBatchResult {
  readonly submitted: number;
  readonly refused: number;
  readonly results: readonly RequestItemResult[];
}

/** A request's standing: as decided (from catalog_request), or `submitted` while no decision is projected. */
export type RequestStanding =
  | { readonly id: string; readonly status: 'submitted' }
  | (RequestRecord & {
      /** The grant, with what is left of it at the time of the answer. */
      readonly grant: (NonNullable<RequestRecord['grant']> & GrantLeft) | null;
    });

interface GrantLeft {
  /** Active and not past expiresAt now (the projection marks expiries only when a block comes). */
  readonly live: boolean;
  /** null: no access limit. */
  readonly accessesLeft: number | null;
}

/**
 * The data user's one-call requests (docs/catalog-actions.md "Requests"):
 * each dataset of a batch is checked against the directory and signed as
 * its own access.request on the dataset's channel, independently of the
 * others; every item's outcome is reported, in input order.
 */
@Injectable()
export class RequestsService {
  constructor(
    private readonly directory: ActionDirectory,
    private readonly standing: RequestStandingRepository,
    private readonly txs: CatalogTxSubmitter,
    private readonly log: ServiceLogger,
    @InjectClock() private readonly clock: Clock,
  ) {}

  async submit(body: RequestBatchBody): Promise<RequestBatchResult> {
    const planned = planRequests(body);
    const datasets = await this.directory.findMany(planned.map((p) => p.dataset));
    const results: RequestItemResult[] = [];
    for (const request of planned) results.push(await this.submitOne(request, datasets.get(request.dataset), results));
    const submitted = results.filter((r) => r.status === 'submitted').length;
    if (submitted === 0) throw new RequestsRefusedError(results);
    return { submitted, refused: results.length - submitted, results };
  }

  async byIds(ids: readonly string[]): Promise<{ readonly requests: readonly RequestStanding[] }> {
    const found = await this.standing.byIds(ids);
    const now = this.clock.now();
    return {
      requests: ids.map((id) => {
        const record = found.get(id);
        return record === undefined ? { id, status: 'submitted' as const } : withGrantLeft(record, now);
      }),
    };
  }

  async mine(
    query: MyRequestsQuery,
  ): Promise<{ readonly requests: readonly RequestStanding[]; readonly next: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const records = await this.standing.list(this.txs.department, { ...query, limit });
    const now = this.clock.now();
    const last = records.at(-1);
    return {
      requests: records.map((r) => withGrantLeft(r, now)),
      next: records.length === limit && last !== undefined ? `${last.requestedAt.height}:${last.id}` : null,
    };
  }

  private async submitOne(
    request: PlannedRequest,
    dataset: DirectoryDataset | undefined,
    earlier: readonly RequestItemResult[],
  ): Promise<RequestItemResult> {
    try {
      const target = await this.check(request, dataset);
      const submitted = await this.txs.submit(target.channel, 'access.request', { ...request });
      return {
        dataset: request.dataset,
        status: 'submitted',
        txId: submitted.txId,
        statusUrl: submitted.statusUrl,
        channel: submitted.channel,
        purpose: request.purpose,
        durationMs: request.durationMs,
      };
    } catch (error) {
      if (error instanceof AccordError)
        return { dataset: request.dataset, status: 'refused', error: { code: error.code, message: error.message } };
      // Nothing published yet: fail the whole call (mapped at the edge, e.g. 503 for a lost database).
      if (!earlier.some((r) => r.status === 'submitted')) throw error;
      // Earlier items are on their way to the chain: report them, and this one as failed.
      this.log.pino.error(
        { err: error, dataset: request.dataset },
        'access request failed after others were submitted',
      );
      return {
        dataset: request.dataset,
        status: 'refused',
        error: { code: 'internal_error', message: 'the request could not be submitted (see the service log)' },
      };
    }
  }

  /** What the rules would reject first, from the directory: unknown, deprecated, own dataset, duplicate. */
  private async check(request: PlannedRequest, dataset: DirectoryDataset | undefined): Promise<DirectoryDataset> {
    const id = request.dataset;
    if (dataset === undefined) throw new DatasetNotFoundError(id);
    if (dataset.status !== 'active')
      throw new ActionRefusedError('dataset_deprecated', `dataset ${id} is deprecated: it takes no new requests`, {
        dataset: id,
      });
    if (dataset.owner === this.txs.department)
      throw new ActionRefusedError('own_dataset', `dataset ${id} is this department's own: owners need no grant`, {
        dataset: id,
      });
    const open = await this.standing.openFor(this.txs.department, id, request.purpose, this.clock.now());
    if (open !== undefined)
      throw new ActionRefusedError(
        'duplicate_request',
        `this department already has a ${open.status === 'pending' ? 'pending request' : 'live grant'} (${open.id}) for ${id} with purpose ${request.purpose}`,
        { dataset: id, request: open.id },
      );
    return dataset;
  }
}

/** Each item with its purpose and duration in ms (the item's own, else the batch's). */
function planRequests(body: RequestBatchBody): PlannedRequest[] {
  const ms = (d: { durationMs?: number; duration?: string }): number | undefined =>
    d.durationMs ?? (d.duration === undefined ? undefined : parseIsoDurationMs(d.duration));
  const batchMs = ms(body) as number; // the schema requires exactly one of them
  return body.items.map((item) => ({
    dataset: item.dataset,
    purpose: item.purpose ?? body.purpose,
    durationMs: ms(item) ?? batchMs,
  }));
}

function withGrantLeft(record: RequestRecord, now: number): RequestStanding {
  const { grant } = record;
  if (grant === null) return { ...record, grant: null };
  return {
    ...record,
    grant: {
      ...grant,
      live: grantLiveAt(grant.status, grant.expiresAt, now),
      accessesLeft: accessesLeft(grant.maxAccesses, grant.accessesUsed),
    },
  };
}
