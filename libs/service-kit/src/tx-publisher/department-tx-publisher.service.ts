import type { EventBus } from '@accord/event-bus';
import { encodeEnvelope, isProtocolError, signTx, type JsonObject, type TxEnvelope } from '@accord/protocol';
import type { Clock } from '../clock/clock.port';
import { publishForRequest, REQUEST_PUBLISH_TIMEOUT_MS } from '../infra/request-publish';
import type { DepartmentSigner } from '../launcher/department-signer';
import { checkTxEnvelope, envelopeRejection, txStatusUrl } from './tx-envelope.checker';
import type { TxNonceRepository } from './tx-nonce.repository';

/**
 * What a signing service knows of its channels. `maxTxBytes` answers the
 * channel's envelope size limit (ledger-core maxTxBytesOf of its latest
 * configuration), or throws the service's own error when it cannot publish
 * there (unknown channel: channel_not_found, as the submission API).
 */
export interface TxChannelView {
  maxTxBytes(channel: string): number | Promise<number>;
}

/** A tx to sign as the department. */
export interface TxToPublish {
  readonly channel: string;
  readonly type: string;
  readonly payload: JsonObject;
}

/** A tx signed as the department and published to its channel's tx topic: as POST /v1/channels/:channel/txs answers. */
export interface PublishedTx {
  readonly txId: string;
  /** Always pending: the block builders decide its validity from the log. */
  readonly status: 'pending';
  /** Path on the department's ledger API: GET it (&waitMs=N to long-poll) for the commit and its validity code. */
  readonly statusUrl: string;
  readonly channel: string;
  readonly envelope: TxEnvelope;
}

export interface DepartmentTxPublisherDeps {
  readonly bus: EventBus;
  readonly signer: DepartmentSigner;
  readonly nonces: TxNonceRepository;
  readonly channels: TxChannelView;
  /** This service's nonce lane (NONCE_LANES). */
  readonly lane: number;
  /** The tx topic of a channel and the headers of an envelope record on it (the event contract's). */
  readonly topic: (channel: string) => string;
  readonly headers: Readonly<Record<string, string>>;
  /** Wall clock (ms) for the informative `ts` of the body. */
  readonly clock: Clock;
  readonly publishTimeoutMs?: number;
}

/**
 * The one way a department's services sign and publish txs
 * (docs/tx-publisher.md): takes the next nonce of this service's lane,
 * signs with the department key, applies exactly the submission API's
 * envelope checks (checkTxEnvelope: shape, size against the channel's
 * limit, channel) and publishes the canonical bytes to the channel's tx
 * topic through publishForRequest (503 dependency_unavailable when the bus
 * does not acknowledge in time). A fresh nonce makes every envelope new, so
 * the submission API's duplicate check has nothing to find here. Business
 * checks (the rules' dry run) belong to the caller, before publish().
 */
export class DepartmentTxPublisher {
  constructor(private readonly deps: DepartmentTxPublisherDeps) {}

  /** The department this publisher signs for. */
  get department(): string {
    return this.deps.signer.department;
  }

  async publish(tx: TxToPublish): Promise<PublishedTx> {
    const { signer, nonces, channels, lane } = this.deps;
    const maxTxBytes = await channels.maxTxBytes(tx.channel);
    const nonce = await nonces.next(signer.department, tx.channel, lane);
    let signed: TxEnvelope;
    try {
      signed = signTx(
        {
          v: 1,
          channel: tx.channel,
          type: tx.type,
          from: signer.department,
          nonce,
          ts: this.deps.clock.now(),
          payload: tx.payload,
        },
        signer.signer,
      );
    } catch (error) {
      if (isProtocolError(error)) throw envelopeRejection(error);
      throw error;
    }
    // The same bytes and checks as a submission of this envelope to the ledger's API.
    const { bytes, envelope, txId, sig } = checkTxEnvelope(encodeEnvelope(signed), tx.channel, maxTxBytes);
    await publishForRequest(
      this.deps.bus,
      this.deps.topic(tx.channel),
      [{ value: bytes, headers: { ...this.deps.headers } }],
      this.deps.publishTimeoutMs ?? REQUEST_PUBLISH_TIMEOUT_MS,
    );
    return { txId, status: 'pending', statusUrl: txStatusUrl(txId, sig), channel: tx.channel, envelope };
  }
}
