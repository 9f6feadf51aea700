import { Injectable } from '@nestjs/common';
import type { Counter } from '@opentelemetry/api';
import { ServiceMetrics } from '@accord/service-kit';

/** Strong mode's counters (GET /metrics; docs/storage-gateway-strong-mode.md "Operations"). */
@Injectable()
export class StrongModeMetrics {
  readonly recordsPublished: Counter<{ media_type: string }>;
  readonly keysShared: Counter;
  readonly keyShareFailures: Counter<{ reason: string }>;
  readonly recordsRead: Counter<{ origin: string }>;
  readonly keysRecovered: Counter;

  constructor(metrics: ServiceMetrics) {
    this.recordsPublished = metrics.counter('accord_gateway_strong_records_published', {
      description: 'Strong-mode records encrypted and published by this gateway, by media type',
    });
    this.keysShared = metrics.counter('accord_gateway_strong_keys_shared', {
      description: 'Record data keys wrapped to a grantee and published in strong.keyshare txs',
    });
    this.keyShareFailures = metrics.counter('accord_gateway_strong_key_share_failures', {
      description:
        'strong.keyshare txs that could not be built or published (retried), by error code or no_recipient_key',
    });
    this.recordsRead = metrics.counter('accord_gateway_strong_records_read', {
      description:
        'Strong-mode records decrypted for a local caller: own (origin=own) or shared with us (origin=shared)',
    });
    this.keysRecovered = metrics.counter('accord_gateway_strong_keys_recovered', {
      description: 'Own record keys recovered from their pending row after a crash between publish and keep',
    });
  }
}
