import { Injectable } from '@nestjs/common';
import { maxTxBytesOf } from '@accord/ledger-core';
import type { EventBus } from '@accord/event-bus';
import {
  ChannelNotFoundError,
  checkTxEnvelope,
  EnvelopeRejectedError,
  InjectEventBus,
  publishForRequest,
  type CheckedEnvelope,
} from '@accord/service-kit';
import { txRecordHeaders, txTopic } from '@accord/events';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { ChannelRepository } from '../persistence/channel.repository';
import { DuplicateFinder, type KnownEnvelope } from './duplicate-finder.service';
import { splitJsonArray } from './envelope-batch.splitter';
import { envelopeKey } from './recent-envelopes.window';
import { BatchInvalidError, BatchTooLargeError, MAX_BATCH_ENVELOPES } from './submission.errors';
import { TxStatusService, type TxStatus } from './tx-status.service';

export interface SubmissionOutcome {
  /** False when this envelope (txId and signature) was already submitted or committed: nothing was published. */
  readonly published: boolean;
  /** The envelope's signature (its status URL names it). */
  readonly sig: string;
  readonly status: TxStatus;
}

/** One envelope of a batch: its outcome, or why it was refused (the others go on). */
export type BatchItemOutcome = SubmissionOutcome | { readonly rejected: EnvelopeRejectedError };

/** What a submission found for one of its envelopes before publishing. */
type Finding =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'known'; readonly known: KnownEnvelope }
  /** Being published by another request right now. */
  | { readonly kind: 'in-flight'; readonly publish: Promise<void> }
  /** The same envelope earlier in the same request. */
  | { readonly kind: 'repeat'; readonly of: number };

/**
 * POST /v1/channels/:channel/txs and .../txs/batch: checks each envelope's
 * form and size, publishes the new ones to the channel's tx topic (header
 * kind=tx; one publish per request) and answers with their txIds. Validity
 * (membership, signature, nonce) is decided by the block builders from the
 * log, not here. An envelope already committed, or submitted here and still
 * pending, is not published again. A duplicate is the same envelope, txId
 * and signature: the same body with another signature (the member's own
 * after a forged copy, a re-signature after a key rotation) is published,
 * and the chain decides (docs/ledger.md). The per-request work avoids the
 * database: the channel's size limit comes from its runner's memory and
 * duplicates from memory first, then one tx-index query shared by the
 * concurrent requests (DuplicateFinder).
 */
@Injectable()
export class TxSubmissionService {
  /** Publishes in flight by envelope (txId and signature), so concurrent duplicates wait for the first instead of publishing twice. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    private readonly registry: ChannelRegistry,
    private readonly channels: ChannelRepository,
    private readonly duplicates: DuplicateFinder,
    private readonly txs: TxStatusService,
  ) {}

  /** `body`: the request body exactly as received (undefined when it was not JSON). */
  async submit(channel: string, body: Uint8Array | undefined): Promise<SubmissionOutcome> {
    // The envelope checks the department's tx publisher applies too (docs/tx-publisher.md).
    const checked = checkTxEnvelope(body, channel, await this.maxTxBytes(channel));
    const [outcome] = await this.submitChecked(channel, [checked]);
    return outcome;
  }

  /**
   * `body`: a JSON array of envelopes exactly as received. Each element is
   * checked as the single endpoint checks its body; the refused ones are
   * answered with their error, the others as by the single endpoint, in
   * request order. The new envelopes go out in one publish, so a bus
   * failure fails the whole request and nothing is published.
   */
  async submitBatch(channel: string, body: Uint8Array | undefined): Promise<BatchItemOutcome[]> {
    const maxTxBytes = await this.maxTxBytes(channel);
    const elements = body === undefined ? undefined : splitJsonArray(body);
    if (elements === undefined || elements.length === 0)
      throw new BatchInvalidError('the body must be a JSON array of 1 or more tx envelopes');
    if (elements.length > MAX_BATCH_ENVELOPES) throw new BatchTooLargeError(elements.length);
    const checked = elements.map((element) => checkOrRejection(element, channel, maxTxBytes));
    const accepted = checked.filter((c): c is CheckedEnvelope => !(c instanceof EnvelopeRejectedError));
    const outcomes = await this.submitChecked(channel, accepted);
    let next = 0;
    return checked.map((c) => (c instanceof EnvelopeRejectedError ? { rejected: c } : outcomes[next++]));
  }

  /** The channel's envelope size limit: from its runner's memory, or its row before the runner has loaded it. */
  private async maxTxBytes(channel: string): Promise<number> {
    const config = this.registry.committedConfig(channel);
    if (config !== undefined) return maxTxBytesOf(config);
    const state = await this.channels.find(channel);
    if (state === undefined || !state.following) throw new ChannelNotFoundError(channel);
    return maxTxBytesOf(state.snapshot.config);
  }

  /** Publishes the envelopes never seen before, in one publish, and answers for each in order. */
  private async submitChecked(channel: string, envelopes: readonly CheckedEnvelope[]): Promise<SubmissionOutcome[]> {
    const findings = this.claim(envelopes);
    const claimed = envelopes.map((_, i) => i).filter((i) => findings[i].kind === 'fresh');
    const claim = settlement();
    for (const i of claimed) this.inFlight.set(keyOf(envelopes[i]), claim.promise);
    try {
      const known = await this.duplicates.find(claimed.map((i) => envelopes[i]));
      claimed.forEach((i, j) => {
        const k = known[j];
        if (k !== undefined) findings[i] = { kind: 'known', known: k };
      });
      // A publish of the same envelope by another request must have gone out before this one answers.
      for (const f of findings) if (f.kind === 'in-flight') await f.publish;
      await this.publish(
        channel,
        claimed.filter((i) => findings[i].kind === 'fresh').map((i) => envelopes[i]),
      );
      claim.resolve();
    } catch (error) {
      claim.reject(error);
      throw error;
    } finally {
      for (const i of claimed) {
        const key = keyOf(envelopes[i]);
        if (this.inFlight.get(key) === claim.promise) this.inFlight.delete(key);
      }
    }
    return this.outcomes(channel, envelopes, findings);
  }

  /** What is known of each envelope without waiting; the fresh ones are claimed by the caller at once (before any await). */
  private claim(envelopes: readonly CheckedEnvelope[]): Finding[] {
    const first = new Map<string, number>();
    return envelopes.map((envelope, i): Finding => {
      const key = keyOf(envelope);
      const earlier = first.get(key);
      if (earlier !== undefined) return { kind: 'repeat', of: earlier };
      first.set(key, i);
      const publish = this.inFlight.get(key);
      return publish === undefined ? { kind: 'fresh' } : { kind: 'in-flight', publish };
    });
  }

  private async outcomes(
    channel: string,
    envelopes: readonly CheckedEnvelope[],
    findings: readonly Finding[],
  ): Promise<SubmissionOutcome[]> {
    const outcomes = await Promise.all(
      envelopes.map(async ({ txId, sig }, i): Promise<SubmissionOutcome | undefined> => {
        const finding = findings[i];
        const pending: TxStatus = { txId, status: 'pending', channel };
        switch (finding.kind) {
          case 'fresh':
            return { published: true, sig, status: pending };
          case 'repeat':
            return undefined;
          case 'known':
            if (finding.known === 'pending')
              return { published: false, sig, status: this.txs.pendingStatus(txId, sig) ?? pending };
            return { published: false, sig, status: (await this.txs.status(txId, sig)) ?? pending };
          case 'in-flight':
            return { published: false, sig, status: (await this.txs.status(txId, sig)) ?? pending };
        }
      }),
    );
    return outcomes.map((outcome, i) => {
      const finding = findings[i];
      if (finding.kind !== 'repeat') return outcome as SubmissionOutcome;
      return { ...(outcomes[finding.of] as SubmissionOutcome), published: false };
    });
  }

  private async publish(channel: string, envelopes: readonly CheckedEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    for (const { txId, sig } of envelopes) this.txs.markPending(txId, sig, channel);
    try {
      await publishForRequest(
        this.bus,
        txTopic(channel),
        envelopes.map(({ bytes }) => ({ value: bytes, headers: txRecordHeaders('tx') })),
      );
    } catch (error) {
      for (const { txId, sig } of envelopes) this.txs.forgetPending(txId, sig);
      throw error;
    }
  }
}

/** A promise settled from outside: the claim other requests wait for while this one looks up and publishes. */
function settlement(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // the requests waiting for it see the failure; none may be waiting
  return { promise, resolve, reject };
}

const keyOf = (envelope: CheckedEnvelope): string => envelopeKey(envelope.txId, envelope.sig);

/** The checked envelope, or the error that refuses it (other failures propagate). */
function checkOrRejection(
  element: Uint8Array,
  channel: string,
  maxTxBytes: number,
): CheckedEnvelope | EnvelopeRejectedError {
  try {
    return checkTxEnvelope(element, channel, maxTxBytes);
  } catch (error) {
    if (error instanceof EnvelopeRejectedError) return error;
    throw error;
  }
}
