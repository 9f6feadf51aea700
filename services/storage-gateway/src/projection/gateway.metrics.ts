import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import { ServiceMetrics } from '@accord/service-kit';

/** The storage gateway's counters and histograms (GET /metrics; docs/storage-gateway.md "Operations"). */
@Injectable()
export class GatewayMetrics {
  readonly blocksProjected: Counter;
  readonly storageTxsIgnored: Counter<{ type: string }>;
  readonly bytesIn: Counter<{ path: string }>;
  readonly bytesOut: Counter<{ path: string }>;
  readonly transferSeconds: Histogram<{ role: string; outcome: string }>;
  readonly transferRefusals: Counter<{ code: string }>;
  readonly scrubFindings: Counter<{ kind: string }>;
  readonly scrubBytes: Counter;

  constructor(metrics: ServiceMetrics) {
    this.blocksProjected = metrics.counter('accord_gateway_blocks_projected', {
      description: 'Committed blocks projected by the storage gateway',
    });
    this.storageTxsIgnored = metrics.counter('accord_gateway_storage_txs_ignored', {
      description:
        'Valid storage txs without effect (payload that does not parse, or a signer who does not own the dataset)',
    });
    this.bytesIn = metrics.counter('accord_gateway_bytes_in', {
      description: 'Plaintext bytes received: uploads (path=upload), verified transfers (path=transfer)',
    });
    this.bytesOut = metrics.counter('accord_gateway_bytes_out', {
      description: 'Plaintext bytes served: to other departments (path=transfer), to local users (path=download)',
    });
    this.transferSeconds = metrics.histogram('accord_gateway_transfer_seconds', {
      description: 'Duration of transfers, as provider (role=provider) or requester (role=requester), by outcome',
    });
    this.transferRefusals = metrics.counter('accord_gateway_transfer_refusals', {
      description: 'Transfer requests refused by this provider, by error code',
    });
    this.scrubFindings = metrics.counter('accord_gateway_scrub_findings', {
      description: 'Integrity problems the scrubber found (missing piece, bad tag, hash or root mismatch)',
    });
    this.scrubBytes = metrics.counter('accord_gateway_scrub_bytes', {
      description: 'Ciphertext bytes the scrubber read',
    });
  }
}
