import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { boundaryOf, ByterangesParser, isDataPlaneError } from '@accord/data-plane';
import { withTransaction } from '@accord/persistence';
import { InjectClock, SERVICE_CONFIG, ServiceLogger, type Clock, type Principal } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { GatewayChannels } from '../projection/gateway-channel.repository';
import { GatewayMetrics } from '../projection/gateway.metrics';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import {
  AnchorNotFoundError,
  ContentErasedError,
  GrantNotFoundError,
  GrantNotLiveError,
  NotGranteeError,
  TransferVerificationError,
} from '../storage-gateway.errors';
import { ObjectVault } from '../vault/object-vault';
import type { ObjectWriter } from '../vault/object-writer';
import { GrantAndAnchorReader, type AnchorView, type GrantView } from './grant-and-anchor.reader';
import { PeerExchangeClient } from './peer-exchange.client';
import { TransferRepository, type TransferView } from './transfer.repository';
import { VerifiedChunks } from './verified-chunks';

/**
 * The requester's transfers (docs/storage-gateway-transfer.md
 * "Requester"): a data user asks for a granted dataset; the gateway takes
 * the anchor from its own copy of the chain, fetches the object from the
 * provider's gateway with a signed request, verifies every chunk against
 * the anchored root before writing a byte of it, and keeps the verified
 * copy encrypted in its own object store. Progress is kept in the
 * transfer's row; the copy is readable only once complete and checked
 * whole (size, SHA-256, chunk root). Data that does not match is refused,
 * reported (transfer failed with transfer_verification_failed, an error
 * log, a metric) and its partial copy removed.
 */
@Injectable()
export class TransferRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly log: ServiceLogger;

  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly reader: GrantAndAnchorReader,
    private readonly channels: GatewayChannels,
    private readonly peers: PeerExchangeClient,
    private readonly transfers: TransferRepository,
    private readonly metrics: GatewayMetrics,
    @InjectClock() private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: StorageGatewayConfig,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('transfer');
  }

  async onApplicationBootstrap(): Promise<void> {
    const interrupted = await this.transfers.failInterrupted(this.clock.now());
    if (interrupted > 0) this.log.warn('transfers interrupted by the last stop marked failed', { count: interrupted });
  }

  async onModuleDestroy(): Promise<void> {
    for (const { abort } of this.running.values()) abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Checks the grant, the anchor and the peer, records the transfer and starts it in the background. */
  async start(grantId: string, principal: Principal): Promise<TransferView> {
    const grant = await this.reader.grant(grantId);
    if (grant === undefined) throw new GrantNotFoundError(grantId);
    if (grant.requester !== this.config.department)
      throw new NotGranteeError(`grant ${grantId} was given to ${grant.requester}, not to this department`, {
        grant: grantId,
      });
    if (!GrantAndAnchorReader.isLive(grant, await this.channels.blockTime(grant.channel)))
      throw new GrantNotLiveError(`grant ${grantId} is not live (${grant.status})`, {
        grant: grantId,
        status: grant.status,
      });
    const anchor = await this.reader.latestAnchor(grant.channel, grant.dataset);
    if (anchor === undefined || anchor.owner !== grant.provider)
      throw new AnchorNotFoundError(`no object of ${grant.dataset} is anchored on ${grant.channel} yet`, {
        dataset: grant.dataset,
      });
    if (anchor.erasedBy !== null)
      throw new ContentErasedError(`the object of ${grant.dataset}`, { anchor: anchor.txId, erasure: anchor.erasedBy });
    this.peers.assertKnown(grant.provider);
    const transferId = randomUUID();
    await this.transfers.create({
      transferId,
      grant: grantId,
      channel: grant.channel,
      dataset: grant.dataset,
      provider: grant.provider,
      anchorTx: anchor.txId,
      sizeBytes: anchor.sizeBytes,
      requestedBy: principal.name,
      now: this.clock.now(),
    });
    const abort = new AbortController();
    const done = this.run(transferId, grant, anchor, abort.signal).finally(() => this.running.delete(transferId));
    // run() records its own failure; when even that fails (the database went away mid-transfer), say so
    // instead of leaving a rejection nobody awaits, which would end the process.
    done.catch((error: unknown) =>
      this.log.error('transfer ended and its outcome could not be recorded', { transferId, message: String(error) }),
    );
    this.running.set(transferId, { abort, done });
    return (await this.transfers.find(transferId)) as TransferView;
  }

  /** Resolves once the transfer ended (tests and the CLI wait on it through GET /v1/transfers/:id). */
  async settled(transferId: string): Promise<void> {
    await this.running.get(transferId)?.done;
  }

  private async run(transferId: string, grant: GrantView, anchor: AnchorView, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    let objectId: string | null = null;
    try {
      const writer = await this.vault.create({
        origin: 'copy',
        channel: grant.channel,
        dataset: grant.dataset,
        version: anchor.version,
        mediaType: anchor.mediaType,
        sizeBytes: anchor.sizeBytes,
        status: 'receiving',
        chunkSize: anchor.chunkSize,
        now: this.clock.now(),
      });
      objectId = writer.objectId;
      await this.receive(transferId, grant, anchor, writer, signal);
      await this.transfers.ended(transferId, 'completed', this.clock.now());
      this.metrics.bytesIn.add(anchor.sizeBytes, { path: 'transfer' });
      this.metrics.transferSeconds.record((performance.now() - started) / 1000, {
        role: 'requester',
        outcome: 'completed',
      });
      this.log.log('transfer verified and stored', {
        transferId,
        dataset: grant.dataset,
        anchor: anchor.txId,
        objectId,
      });
    } catch (error) {
      const code = errorCode(error);
      const message = (error as Error).message;
      await this.transfers.ended(transferId, 'failed', this.clock.now(), { code, message });
      this.metrics.transferSeconds.record((performance.now() - started) / 1000, { role: 'requester', outcome: code });
      const report =
        code === 'transfer_verification_failed' ? 'data refused: it does not match its anchor' : 'transfer failed';
      this.log.error(report, {
        transferId,
        provider: grant.provider,
        dataset: grant.dataset,
        anchor: anchor.txId,
        code,
        message,
      });
      if (objectId !== null) await this.discard(objectId);
    }
  }

  private async receive(
    transferId: string,
    grant: GrantView,
    anchor: AnchorView,
    writer: ObjectWriter,
    signal: AbortSignal,
  ): Promise<void> {
    const size = anchor.sizeBytes;
    const answer = await this.peers.fetch({
      provider: grant.provider,
      grant: grant.grantId,
      anchorTx: anchor.txId,
      ...(size === 0 ? {} : { range: { start: 0, end: size - 1 } }),
      signal,
    });
    await this.transfers.started(transferId, writer.objectId, answer.useTxId, this.clock.now());
    const chunks = new VerifiedChunks(anchor, 0, Math.ceil(size / anchor.chunkSize) - 1);
    const parser = new ByterangesParser(boundaryOf(answer.contentType));
    for await (const bytes of answerBytes(answer.body, grant.provider, signal)) {
      for (const part of parser.push(bytes as Buffer)) {
        await writer.write(chunks.accept(part));
        await this.saveProgress(transferId, writer);
      }
    }
    parser.end();
    chunks.finish();
    await writer.flush();
    await this.saveProgress(transferId, writer);
    const digest = writer.digest();
    if (digest.sha256 !== anchor.sha256 || digest.chunkRoot !== anchor.chunkRoot || digest.size !== size)
      throw new TransferVerificationError(`the copy of anchor ${anchor.txId} does not hash to the anchored values`, {
        anchor: anchor.txId,
      });
    await this.db.query(
      `UPDATE gateway_object SET sha256 = $2, chunk_root = $3, leaf_hashes = $4, anchor_tx_id = $5, completed_at = $6,
         status = 'available' WHERE object_id = $1`,
      [writer.objectId, digest.sha256, digest.chunkRoot, digest.leafHashes, anchor.txId, this.clock.now()],
    );
  }

  /** Records the pieces stored since the last call with the verified byte count, in one transaction. */
  private async saveProgress(transferId: string, writer: ObjectWriter): Promise<void> {
    const pieces = writer.takePieces();
    if (pieces.length === 0) return;
    await withTransaction(this.db, async (manager) => {
      await this.vault.recordPieces(manager, writer.objectId, pieces);
      await this.transfers.progressed(manager, transferId, writer.offset, this.clock.now());
    });
  }

  private async discard(objectId: string): Promise<void> {
    try {
      await this.db.query(`UPDATE gateway_object SET status = 'failed', wrapped_key = NULL WHERE object_id = $1`, [
        objectId,
      ]);
      await this.vault.removeStored(objectId);
    } catch (error) {
      this.log.warn('could not remove a failed transfer copy', { objectId, error: (error as Error).message });
    }
  }
}

/**
 * The answer's bytes as they arrive. A connection that breaks off before the
 * answer's end is an answer that ended early (transfer_verification_failed):
 * the requester cannot tell a provider whose stored object failed its tags
 * mid-way (it cuts the answer) from any other cut, and keeps nothing either
 * way. Errors of the verification and of our own store, thrown by the
 * consumer, pass through unchanged; so does our own abort.
 */
async function* answerBytes(
  body: AsyncIterable<unknown>,
  provider: string,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  try {
    for await (const bytes of body) yield bytes as Buffer;
  } catch (error) {
    if (signal.aborted) throw error;
    throw new TransferVerificationError(
      `the answer of ${provider}'s gateway broke off before its end (${(error as Error).message})`,
      { provider },
    );
  }
}

function errorCode(error: unknown): string {
  if (isDataPlaneError(error))
    return error.code === 'byteranges.malformed' ? 'transfer_verification_failed' : error.code;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[a-z][a-z0-9_.]*$/.test(code)) return code;
  if ((error as Error).name === 'AbortError') return 'transfer_interrupted';
  return 'transfer_failed';
}
