import type { EventBus, OutgoingMessage } from '@accord/event-bus';
import { canonicalBytes, encodeAttestation, signAttestation } from '@accord/protocol';
import {
  attestTopic,
  DECISION_EVENT_TYPE,
  DECISION_EVENT_VERSION,
  decisionEventSchema,
  decisionHeaders,
  decisionsTopic,
  type DecisionEvent,
} from '@accord/events';
import type { DepartmentSigner } from '../keys/department-signer.provider';
import type { ReceiptRepository, StoredDigest, StoredReceipt } from '../persistence/receipt.repository';
import type { RulesStateRepository } from '../persistence/rules-state.repository';
import type { ContractsPipelineMetrics } from './contracts-pipeline.metrics';

/** Heights announced per round (bounded memory whatever the backlog). */
const HEIGHTS_PER_ROUND = 64;
/** Messages go out in publish calls of about this size (the bus's default batch limit is 4 MiB). */
const PUBLISH_CHUNK_BYTES = 1024 * 1024;

/**
 * After blocks are applied and committed: this department's signed `state`
 * attestations on attestTopic(channel) (for heights after which it is an
 * active member) and one decision event per receipt on
 * decisionsTopic(department). Reads what it announces from the database,
 * so a restart republishes whatever was not marked published: at least
 * once, and byte-identical (Ed25519 and JCS are deterministic). Every
 * decision is checked against its schema before it goes out: one that does
 * not fit fails the round (retried, and logged by the reader) rather than
 * reaching the consumers.
 */
export class StatePublisher {
  private readonly ensured = new Set<string>();

  constructor(
    private readonly bus: EventBus,
    private readonly signer: DepartmentSigner,
    private readonly receipts: ReceiptRepository,
    private readonly states: RulesStateRepository,
    private readonly metrics?: ContractsPipelineMetrics,
  ) {}

  /** Publishes heights from..to of a channel in order, marking each round published; returns the last height published. */
  async publish(channel: string, from: number, to: number): Promise<number> {
    let published = from - 1;
    for (let start = from; start <= to; start += HEIGHTS_PER_ROUND) {
      const end = Math.min(to, start + HEIGHTS_PER_ROUND - 1);
      const digests = await this.receipts.digests(channel, start, end);
      const byHeight = new Map(digests.map((d) => [d.height, d]));
      const decisions = (await this.receipts.receiptsBetween(channel, start, end)).map((r) =>
        this.decision(r, byHeight.get(r.height)),
      );
      const attestations = digests.filter((d) => d.attest).map((d) => this.attestation(d));
      await this.send(decisionsTopic(this.signer.department), decisions);
      await this.send(attestTopic(channel), attestations);
      await this.states.markPublished(channel, end);
      this.metrics?.published.add(decisions.length, { channel, what: 'decision' });
      this.metrics?.published.add(attestations.length, { channel, what: 'attestation' });
      published = end;
    }
    return published;
  }

  private decision(stored: StoredReceipt, digest: StoredDigest | undefined): OutgoingMessage {
    if (digest === undefined) throw new Error(`no digest stored for ${stored.channel}/${stored.height}`);
    const { receipt } = stored;
    const event: DecisionEvent = {
      v: DECISION_EVENT_VERSION,
      type: DECISION_EVENT_TYPE,
      kind: receipt.kind,
      code: receipt.code,
      channel: stored.channel,
      height: stored.height,
      blockHash: digest.blockHash,
      time: digest.time,
      seq: stored.seq,
      txId: stored.txId,
      subject: stored.subject,
      receipt,
    };
    decisionEventSchema.parse(event);
    return { key: stored.channel, value: canonicalBytes(event), headers: decisionHeaders(event) };
  }

  private attestation(d: StoredDigest): OutgoingMessage {
    const attestation = signAttestation(
      {
        v: 1,
        channel: d.channel,
        height: d.height,
        blockHash: d.blockHash,
        from: this.signer.department,
        kind: 'state',
        stateDigest: d.digest,
      },
      this.signer.signer,
    );
    return { key: d.channel, value: encodeAttestation(attestation) };
  }

  private async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.ensured.has(topic)) {
      await this.bus.ensureTopic(topic);
      this.ensured.add(topic);
    }
    let chunk: OutgoingMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      if (chunk.length > 0 && bytes + message.value.length > PUBLISH_CHUNK_BYTES) {
        await this.bus.publish(topic, chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(message);
      bytes += message.value.length;
    }
    if (chunk.length > 0) await this.bus.publish(topic, chunk);
  }
}
