import { Inject, Injectable } from '@nestjs/common';
import {
  ACCORD_GRANT_HEADER,
  ChunkProofs,
  chunksCovering,
  DataPlaneError,
  fieldValue,
  parseSignatureHeaders,
  TRANSFER_COVERED_COMPONENTS,
  TRANSFER_SIGNATURE_TAG,
  verifyRequestSignature,
  type ByteRange,
  type SignableRequest,
} from '@accord/data-plane';
import { DepartmentTxPublisher, InjectClock, SERVICE_CONFIG, type Clock } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { GatewayChannels } from '../projection/gateway-channel.repository';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import {
  ContentErasedError,
  GrantNotFoundError,
  GrantNotLiveError,
  NotGranteeError,
  ObjectNotAvailableError,
  ObjectNotFoundError,
  RequestReplayedError,
  UseNotCommittedError,
  UseRejectedError,
} from '../storage-gateway.errors';
import { requestedRange } from '../vault/byte-range';
import { ObjectVault, type StoredObject } from '../vault/object-vault';
import { GrantAndAnchorReader, type GrantView } from './grant-and-anchor.reader';
import { RequestNonces } from './request-nonces.repository';
import { ServingIntegrityGate } from './serving-integrity.gate';
import { UseOutcomes } from './use-outcomes';

/** What a verified, recorded exchange request may be served: whole chunks first..last of the object. */
export interface ExchangePlan {
  readonly object: StoredObject;
  readonly grant: GrantView;
  /** The chunk-aligned plaintext range served (null for an empty object). */
  readonly range: ByteRange | null;
  readonly firstChunk: number;
  readonly lastChunk: number;
  readonly proofs: ChunkProofs;
  readonly useTxId: string;
}

/**
 * The provider's side of a transfer (docs/storage-gateway-transfer.md
 * "Provider"): checks the request's signature against the requester's key
 * on the grant's channel and its nonce against replays, the grant against
 * this department's projection of the contracts' decisions, then records
 * the access (`access.use`) and serves only once the rules applied it as
 * `used`, so the log's order decides who gets the last allowed access.
 */
@Injectable()
export class ExchangeService {
  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly channels: GatewayChannels,
    private readonly reader: GrantAndAnchorReader,
    private readonly nonces: RequestNonces,
    private readonly integrity: ServingIntegrityGate,
    private readonly publisher: DepartmentTxPublisher,
    private readonly outcomes: UseOutcomes,
    @InjectClock() private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: StorageGatewayConfig,
  ) {}

  async open(request: SignableRequest, anchorTx: string | undefined): Promise<ExchangePlan> {
    const grant = await this.verifiedGrant(request);
    const object = await this.objectFor(grant, anchorTx);
    const served = this.chunkAligned(object, fieldValue(request.headers, 'range'));
    const leafHashes = await this.vault.leafHashes(object.objectId);
    // Known damage refuses here, before an access of the grant is spent on the chain.
    await this.integrity.assertServable(object);
    const useTxId = await this.recordUse(grant, object, served.range);
    return { object, grant, ...served, proofs: new ChunkProofs(leafHashes), useTxId };
  }

  private async verifiedGrant(request: SignableRequest): Promise<GrantView> {
    const parsed = parseSignatureHeaders(request.headers);
    const grantId = fieldValue(request.headers, ACCORD_GRANT_HEADER);
    if (grantId === undefined)
      throw new DataPlaneError('signature.components', 'a transfer request must carry a signed Accord-Grant field');
    const grant = await this.reader.grant(grantId);
    if (grant === undefined || grant.provider !== this.config.department) throw new GrantNotFoundError(grantId);
    const keyId = parsed.params.keyId;
    if (keyId !== grant.requester)
      throw new NotGranteeError(
        `grant ${grantId} was given to ${grant.requester}, not to ${keyId ?? 'an unnamed signer'}`,
        {
          grant: grantId,
        },
      );
    const member = await this.channels.activeMember(grant.channel, keyId);
    const now = this.clock.now();
    const verified = verifyRequestSignature(request, {
      now: Math.floor(now / 1000),
      maxAgeSeconds: this.config.signatureMaxAgeSeconds,
      maxValiditySeconds: this.config.signatureMaxAgeSeconds,
      tag: TRANSFER_SIGNATURE_TAG,
      requiredComponents: TRANSFER_COVERED_COMPONENTS,
      publicKeyOf: (id) => (id === keyId ? member.ed25519 : undefined),
    });
    const keepUntil = (verified.created + this.config.signatureMaxAgeSeconds) * 1000;
    if (!(await this.nonces.firstSeen(keyId, verified.nonce, keepUntil, now)))
      throw new RequestReplayedError(`nonce ${verified.nonce} of ${keyId} was already used`, { keyId });
    const blockTime = await this.channels.blockTime(grant.channel);
    if (!GrantAndAnchorReader.isLive(grant, blockTime))
      throw new GrantNotLiveError(
        `grant ${grantId} is not live (${grant.status}, ${grant.accessesUsed} accesses used)`,
        {
          grant: grantId,
          status: grant.status,
        },
      );
    return grant;
  }

  private async objectFor(grant: GrantView, anchorTx: string | undefined): Promise<StoredObject> {
    const anchor =
      anchorTx === undefined
        ? await this.reader.latestAnchor(grant.channel, grant.dataset)
        : await this.reader.anchor(anchorTx);
    if (anchor === undefined || anchor.dataset !== grant.dataset || anchor.channel !== grant.channel)
      throw new ObjectNotFoundError(`anchored object of ${grant.dataset}`, {
        dataset: grant.dataset,
        anchor: anchorTx,
      });
    const rows: { object_id: string }[] = await this.db.query(
      `SELECT object_id FROM gateway_object WHERE anchor_tx_id = $1 AND origin = 'upload'
       ORDER BY completed_at DESC LIMIT 1`,
      [anchor.txId],
    );
    if (rows[0] === undefined)
      throw new ObjectNotFoundError(`object of anchor ${anchor.txId}`, { anchor: anchor.txId });
    const object = await this.vault.get(rows[0].object_id);
    if (object.status === 'erased')
      throw new ContentErasedError(`the object of ${grant.dataset}`, { anchor: anchor.txId });
    if (object.status !== 'available')
      throw new ObjectNotAvailableError(`the object of ${grant.dataset} is ${object.status}`, { anchor: anchor.txId });
    return object;
  }

  /** The requested range widened to whole chunks: the requester verifies chunks, never parts of one. */
  private chunkAligned(
    object: StoredObject,
    rangeHeader: string | undefined,
  ): { range: ByteRange | null; firstChunk: number; lastChunk: number } {
    const size = object.sizeBytes;
    if (size === 0) return { range: null, firstChunk: 0, lastChunk: -1 };
    const asked = requestedRange(rangeHeader, size) ?? { start: 0, end: size - 1 };
    const { first, last } = chunksCovering(asked, size, object.chunkSize);
    return {
      range: { start: first * object.chunkSize, end: Math.min((last + 1) * object.chunkSize, size) - 1 },
      firstChunk: first,
      lastChunk: last,
    };
  }

  /** Publishes the access.use and waits until the rules applied it; only `used` lets the bytes go. */
  private async recordUse(grant: GrantView, object: StoredObject, range: ByteRange | null): Promise<string> {
    const bytes = range === null ? 0 : range.end - range.start + 1;
    const published = await this.publisher.publish({
      channel: grant.channel,
      type: 'access.use',
      payload: {
        grant: grant.grantId,
        bytes,
        ...(range === null ? {} : { range: { start: range.start, end: range.end } }),
        ...(object.sha256 === null ? {} : { contentHash: object.sha256 }),
      },
    });
    await this.db.query(
      `INSERT INTO gateway_use (tx_id, grant_id, requester, object_id, range_start, range_end, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tx_id) DO UPDATE SET requester = EXCLUDED.requester, object_id = EXCLUDED.object_id,
         range_start = EXCLUDED.range_start, range_end = EXCLUDED.range_end, created_at = EXCLUDED.created_at`,
      [
        published.txId,
        grant.grantId,
        grant.requester,
        object.objectId,
        range?.start ?? 0,
        range?.end ?? -1,
        this.clock.now(),
      ],
    );
    const outcome = await this.outcomes.wait(published.txId, this.config.useWaitMs);
    if (outcome === null)
      throw new UseNotCommittedError(
        `access.use ${published.txId} was not applied within ${this.config.useWaitMs} ms; nothing was served`,
        { useTx: published.txId },
      );
    if (outcome.outcome === 'rejected')
      throw new UseRejectedError(`the rules rejected access.use ${published.txId}: ${outcome.code}`, {
        useTx: published.txId,
        reason: outcome.code,
      });
    return published.txId;
  }
}
