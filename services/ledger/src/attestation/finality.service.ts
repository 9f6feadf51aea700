import { Injectable } from '@nestjs/common';
import type { Attestation } from '@accord/protocol';
import {
  evaluateBlockFinality,
  evaluateStateAttestations,
  type ForkAlert,
  type RejectedAttestation,
} from '@accord/ledger-core';
import { InjectServiceContext, ServiceLogger, ServiceMetrics, type ServiceContext } from '@accord/service-kit';
import type { Counter } from '@opentelemetry/api';
import { AlertRepository, type LedgerAlert } from '../persistence/alert.repository';
import { AttestationRepository } from '../persistence/attestation.repository';
import { BlockRepository } from '../persistence/block.repository';
import { ConfigHistoryService } from '../query/config-history.service';

/** What one evaluation of a height found. */
export interface HeightFinality {
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly final: boolean;
  /** Final because of this evaluation. */
  readonly becameFinal: boolean;
  readonly required: number;
  readonly attesters: readonly string[];
  /** Alerts raised for the first time by this evaluation. */
  readonly newAlerts: readonly LedgerAlert[];
}

/**
 * Finality and fork detection over stored attestations (DESIGN.md
 * "Ordering and consensus"): a block is final once a quorum of the members
 * active at its height attested our hash; a member attesting another hash
 * (or two) raises a fork alert, and so do contracts' state digests that
 * disagree. Alerts are stored once (stable ids), counted in
 * accord_ledger_fork_alerts_total and logged at error level.
 */
@Injectable()
export class FinalityService {
  private readonly forkAlerts: Counter;
  private readonly rejected: Counter;
  private readonly finalHeights = new Map<string, number>();
  /** Rejections already reported (each attestation is re-screened whenever its height is re-evaluated). */
  private readonly rejectedSeen = new Set<string>();
  private readonly log: ServiceLogger;

  constructor(
    private readonly blocks: BlockRepository,
    private readonly attestations: AttestationRepository,
    private readonly alerts: AlertRepository,
    private readonly configs: ConfigHistoryService,
    @InjectServiceContext() private readonly ctx: ServiceContext,
    metrics: ServiceMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('finality');
    this.forkAlerts = metrics.counter('accord_ledger_fork_alerts', {
      description:
        'Fork/tamper alerts raised: attestations (block hashes or state digests) that disagree, by channel, kind and reason',
    });
    this.rejected = metrics.counter('accord_ledger_attestations_rejected', {
      description:
        'Attestations left out of finality decisions (bad signature, not a member, ...), counted once per attestation',
    });
    metrics.gauge('accord_ledger_final_height', { description: 'Highest final block per channel' }, () =>
      [...this.finalHeights].map(([channel, height]) => [height, { channel }] as [number, { channel: string }]),
    );
  }

  /** Re-evaluates finality and agreement for committed heights; heights without a block here are skipped. */
  async evaluate(channel: string, heights: Iterable<number>): Promise<HeightFinality[]> {
    const out: HeightFinality[] = [];
    for (const height of [...new Set(heights)].sort((a, b) => a - b)) {
      const result = await this.evaluateHeight(channel, height);
      if (result !== undefined) out.push(result);
    }
    return out;
  }

  private async evaluateHeight(channel: string, height: number): Promise<HeightFinality | undefined> {
    const header = await this.blocks.getHeader(channel, height);
    if (header === undefined) return undefined;
    const config = await this.configs.configAt(channel, height);
    if (config === null) return undefined;
    const stored = (await this.attestations.forHeight(channel, height)).map((s) => s.attestation);
    const blockAttestations = stored.filter((a) => a.body.kind === 'block');
    const stateAttestations = stored.filter((a) => a.body.kind === 'state');

    const finality = evaluateBlockFinality({ config, height, blockHash: header.hash, attestations: blockAttestations });
    const ownDigest = ownStateDigest(stateAttestations, this.ctx.department, header.hash);
    const agreement = evaluateStateAttestations({
      config,
      height,
      blockHash: header.hash,
      ...(ownDigest === undefined ? {} : { expectedDigest: ownDigest }),
      attestations: stateAttestations,
    });
    this.countRejected(channel, [...finality.rejected, ...agreement.rejected]);

    const becameFinal = finality.final && !header.final;
    if (becameFinal) {
      await this.blocks.markFinal(channel, [height]);
      this.log.pino.debug({ channel, height, attesters: finality.attesters }, 'block final');
    }
    if (finality.final) this.finalHeights.set(channel, Math.max(this.finalHeights.get(channel) ?? -1, height));
    const newAlerts = await this.raise([...finality.alerts, ...agreement.alerts], {
      required: finality.required,
      attesters: finality.attesters,
    });
    return {
      channel,
      height,
      blockHash: header.hash,
      final: finality.final,
      becameFinal,
      required: finality.required,
      attesters: finality.attesters,
      newAlerts,
    };
  }

  private async raise(
    alerts: readonly ForkAlert[],
    context: Readonly<Record<string, unknown>>,
  ): Promise<LedgerAlert[]> {
    if (alerts.length === 0) return [];
    const fresh = await this.alerts.raise(alerts.map((a) => ({ ...a, details: context })));
    for (const alert of fresh) {
      this.forkAlerts.add(1, { channel: alert.channel, kind: alert.kind, reason: alert.reason });
      this.log.pino.error(
        {
          alert: {
            id: alert.id,
            channel: alert.channel,
            height: alert.height,
            kind: alert.kind,
            reason: alert.reason,
            member: alert.member,
            field: alert.field,
            expected: alert.expected,
            observed: alert.observed,
          },
        },
        `fork alert: ${alert.kind} ${alert.reason} on ${alert.channel} at height ${alert.height}${alert.member === null ? '' : ` by ${alert.member}`}`,
      );
    }
    return fresh;
  }

  private countRejected(channel: string, rejected: readonly RejectedAttestation[]): void {
    for (const { attestation, reason } of rejected) {
      const key = `${channel}:${attestation.body.height}:${attestation.body.from}:${attestation.sig}`;
      if (this.rejectedSeen.has(key)) continue;
      if (this.rejectedSeen.size >= 10_000) this.rejectedSeen.clear();
      this.rejectedSeen.add(key);
      this.rejected.add(1, { channel, reason });
      this.log.pino.warn(
        { channel, height: attestation.body.height, from: attestation.body.from, kind: attestation.body.kind, reason },
        'attestation rejected',
      );
    }
  }
}

/** Our own contracts' digest for our block, when it attested exactly one. */
function ownStateDigest(attestations: readonly Attestation[], self: string, blockHash: string): string | undefined {
  const digests = new Set<string>();
  for (const a of attestations) {
    if (a.body.kind === 'state' && a.body.from === self && a.body.blockHash === blockHash)
      digests.add(a.body.stateDigest);
  }
  return digests.size === 1 ? [...digests][0] : undefined;
}
