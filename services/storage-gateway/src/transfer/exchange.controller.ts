import { Controller, Get, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SignableRequest } from '@accord/data-plane';
import { Public, ServiceLogger } from '@accord/service-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayMetrics } from '../projection/gateway.metrics';
import { ObjectIntegrityError } from '../storage-gateway.errors';
import { ObjectVault } from '../vault/object-vault';
import { streamChunkParts } from './chunk-parts.streamer';
import { EXCHANGE_ANCHOR_PARAM, EXCHANGE_PATH } from './exchange.protocol';
import { ExchangeService } from './exchange.service';

/**
 * The provider's exchange endpoint, called by other departments' gateways
 * only. No API token: the caller is authenticated by its RFC 9421
 * signature with its department key, and authorised by its live grant.
 */
@ApiTags('exchange')
@Controller()
export class ExchangeController {
  private readonly log: ServiceLogger;

  constructor(
    private readonly exchange: ExchangeService,
    private readonly vault: ObjectVault,
    private readonly metrics: GatewayMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('exchange');
  }

  @Get(EXCHANGE_PATH.slice(1))
  @Public()
  @ApiOperation({
    summary: "Serve a granted object to the grantee's gateway (signed request; docs/storage-gateway-transfer.md)",
  })
  @ApiHeader({ name: 'Accord-Grant', required: true, description: 'the grant (its request txId)' })
  @ApiHeader({ name: 'Signature-Input', required: true, description: 'RFC 9421, tag accord-transfer' })
  @ApiHeader({ name: 'Signature', required: true, description: 'RFC 9421 Ed25519 signature' })
  @ApiHeader({ name: 'Range', required: false, description: 'bytes=a-b; widened to whole chunks' })
  @ApiQuery({ name: EXCHANGE_ANCHOR_PARAM, required: false, description: 'the storage.anchor txId (default: latest)' })
  @ApiPartialContentResponse({
    description:
      'multipart/byteranges, one part per chunk with its inclusion proof (Accord-Chunk); Accord-Use-Tx names the recorded access',
  })
  @ApiUnauthorizedResponse({ description: 'signature.* or request_replayed' })
  @ApiForbiddenResponse({ description: 'not_grantee, grant_not_live or use_rejected (details.reason: the rule)' })
  @ApiNotFoundResponse({ description: 'grant_not_found or object_not_found' })
  @ApiConflictResponse({
    description:
      'object_not_available, or object_quarantined: the last scrub found the object damaged, or a stored part has another size than written (no access recorded)',
  })
  @ApiServiceUnavailableResponse({ description: 'use_not_committed: the access could not be recorded in time' })
  async serve(
    @Req() req: IncomingMessage & { readonly originalUrl: string },
    @Res() res: ServerResponse,
  ): Promise<void> {
    const started = performance.now();
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const request: SignableRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
    };
    const anchor = new URLSearchParams(request.query).get(EXCHANGE_ANCHOR_PARAM) ?? undefined;
    let plan;
    try {
      plan = await this.exchange.open(request, anchor);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.metrics.transferRefusals.add(1, { code: typeof code === 'string' ? code : 'internal' });
      // The audit trail of refused requests (served ones are on the chain as access.use txs).
      this.log.warn('exchange request refused', {
        code,
        reason: (error as Error).message,
        grant: req.headers['accord-grant'],
        signatureInput: req.headers['signature-input'],
        remote: req.socket.remoteAddress,
      });
      throw error;
    }
    try {
      const bytes = await streamChunkParts(res, this.vault, plan, req.headers.range !== undefined);
      this.metrics.bytesOut.add(bytes, { path: 'transfer' });
      this.metrics.transferSeconds.record((performance.now() - started) / 1000, {
        role: 'provider',
        outcome: 'served',
      });
    } catch (error) {
      // A stored object that fails its tags mid-way is an integrity alert, not a network hiccup.
      const integrity = error instanceof ObjectIntegrityError;
      this.metrics.transferSeconds.record((performance.now() - started) / 1000, {
        role: 'provider',
        outcome: integrity ? 'integrity_failed' : 'broken',
      });
      this.log.error('transfer broken off while serving', {
        code: integrity ? error.code : undefined,
        grant: plan.grant.grantId,
        object: plan.object.objectId,
        dataset: plan.object.dataset,
        useTx: plan.useTxId,
        error: (error as Error).message,
      });
      res.destroy(error as Error);
    }
  }
}
