import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Inject, Injectable } from '@nestjs/common';
import { ACCORD_GRANT_HEADER, signRequest, TRANSFER_SIGNATURE_TAG, type ByteRange } from '@accord/data-plane';
import { InjectClock, SERVICE_CONFIG, type Clock, type DepartmentKeys } from '@accord/service-kit';
import { DEPARTMENT_KEYS } from '../keys/gateway-keys.module';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { PeerUnavailableError, PeerUnknownError, TransferRefusedError } from '../storage-gateway.errors';
import {
  EXCHANGE_ANCHOR_PARAM,
  EXCHANGE_PATH,
  EXCHANGE_SIGNATURE_VALIDITY_SECONDS,
  USE_TX_HEADER,
} from './exchange.protocol';

/** The provider's answer, before a byte of it is trusted. */
export interface ExchangeAnswer {
  readonly contentType: string;
  readonly useTxId: string | null;
  readonly body: Readable;
}

export interface ExchangeAsk {
  readonly provider: string;
  readonly grant: string;
  readonly anchorTx: string;
  readonly range?: ByteRange;
  readonly signal?: AbortSignal;
}

/**
 * The requester's side of the exchange: signs the GET with the
 * department's Ed25519 key (RFC 9421: method, path, query, Accord-Grant,
 * Range, a fresh nonce, 60 s validity) and sends it to the provider's
 * gateway (ACCORD_GATEWAY_PEERS). A refusal comes back as transfer_refused
 * with the provider's own code; no answer as peer_unavailable.
 */
@Injectable()
export class PeerExchangeClient {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: StorageGatewayConfig,
    @Inject(DEPARTMENT_KEYS) private readonly keys: DepartmentKeys,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Whether the provider's gateway is configured (checked before a transfer starts). */
  assertKnown(provider: string): void {
    if (this.config.peers[provider] === undefined)
      throw new PeerUnknownError(`the gateway of ${provider} is not in ACCORD_GATEWAY_PEERS`, { provider });
  }

  async fetch(ask: ExchangeAsk): Promise<ExchangeAnswer> {
    this.assertKnown(ask.provider);
    const query = `${EXCHANGE_ANCHOR_PARAM}=${ask.anchorTx}`;
    const headers: Record<string, string> = { [ACCORD_GRANT_HEADER]: ask.grant };
    if (ask.range !== undefined) headers.range = `bytes=${ask.range.start}-${ask.range.end}`;
    const created = Math.floor(this.clock.now() / 1000);
    const signature = signRequest(
      { method: 'GET', path: EXCHANGE_PATH, query, headers },
      {
        created,
        expires: created + EXCHANGE_SIGNATURE_VALIDITY_SECONDS,
        nonce: randomBytes(16).toString('base64url'),
        keyId: this.config.department,
        tag: TRANSFER_SIGNATURE_TAG,
      },
      this.keys.ed25519.privateKey,
    );
    const url = `${this.config.peers[ask.provider]}${EXCHANGE_PATH}?${query}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { ...headers, ...signature }, signal: ask.signal });
    } catch (error) {
      throw new PeerUnavailableError(`the gateway of ${ask.provider} did not answer: ${(error as Error).message}`, {
        provider: ask.provider,
      });
    }
    if (res.status !== 200 && res.status !== 206) throw await refusal(ask.provider, res);
    if (res.body === null) throw new PeerUnavailableError(`the gateway of ${ask.provider} answered no body`);
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    // The reader sees a failure through its reads; a body it stopped reading (its transfer failed on our side,
    // e.g. the object store went away) may still fail when the provider's connection drops, and an 'error'
    // event nobody listens to would end the process.
    body.on('error', () => undefined);
    return { contentType: res.headers.get('content-type') ?? '', useTxId: res.headers.get(USE_TX_HEADER), body };
  }
}

async function refusal(provider: string, res: Response): Promise<Error> {
  let body: { error?: unknown; message?: unknown; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not the kit's JSON error body: the status says enough.
  }
  const details = {
    provider,
    providerStatus: res.status,
    providerError: typeof body.error === 'string' ? body.error : null,
    providerDetails: body.details ?? null,
  };
  // The provider's code leads the message: it is what GET /v1/transfers/:id shows of a refusal.
  const code = typeof body.error === 'string' ? ` ${body.error}` : '';
  const message = `the gateway of ${provider} answered ${res.status}${code}${typeof body.message === 'string' ? `: ${body.message}` : ''}`;
  return res.status >= 500 ? new PeerUnavailableError(message, details) : new TransferRefusedError(message, details);
}
