import { Inject, Injectable } from '@nestjs/common';
import { encodeAttestation, signAttestation, type Block } from '@accord/protocol';
import type { ChannelConfig } from '@accord/ledger-core';
import type { EventBus, OutgoingMessage } from '@accord/event-bus';
import { InjectEventBus, ServiceLogger } from '@accord/service-kit';
import { attestTopic, blockCommittedHeaders, blocksTopic } from '@accord/events';
import { encodeBlockCommitted, encodeBlockCommittedHeaderOnly } from './block-committed.mapper';
import { DEPARTMENT_SIGNER, type DepartmentSigner } from './department-signer.provider';

/** A committed block to announce. */
export interface CommittedBlock {
  readonly block: Block;
  readonly txIds: readonly (string | null)[];
  readonly configChanged: boolean;
  /** Configuration after the block: decides whether this department attests it. */
  readonly config: ChannelConfig | null;
  /** The block's record bytes, when at hand (faster event encoding). */
  readonly records?: readonly Uint8Array[];
}

/** Events above this go out without their txs; kept well under the bus's default 4 MiB batch limit. */
const MAX_EVENT_BYTES = 3 * 1024 * 1024;
/** Messages are sent in publish calls of about this size. */
const PUBLISH_CHUNK_BYTES = 1024 * 1024;

/**
 * After a commit: block.committed events on blocksTopic(department)
 * and this department's signed block attestations on accord.<channel>.attest
 * (only for blocks after which it is an active member: others would reject
 * them). At-least-once: the caller republishes from the last published
 * height after a restart; Ed25519 is deterministic, so a repeated
 * attestation is byte-identical.
 */
@Injectable()
export class CommitPublisher {
  private readonly warnedKeyMismatch = new Set<string>();

  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    @Inject(DEPARTMENT_SIGNER) private readonly signer: DepartmentSigner,
    private readonly log: ServiceLogger,
  ) {}

  get department(): string {
    return this.signer.department;
  }

  async publish(channel: string, blocks: readonly CommittedBlock[]): Promise<void> {
    if (blocks.length === 0) return;
    const events: OutgoingMessage[] = [];
    const attestations: OutgoingMessage[] = [];
    for (const item of blocks) {
      const { block } = item;
      let value = encodeBlockCommitted(block, item.txIds, item.configChanged, item.records, item.config);
      if (value.length > MAX_EVENT_BYTES)
        value = encodeBlockCommittedHeaderOnly(block, item.txIds, item.configChanged, item.config);
      events.push({ key: channel, value, headers: blockCommittedHeaders(channel, block.header.height) });
      if (this.attests(channel, item.config)) {
        const attestation = signAttestation(
          {
            v: 1,
            channel,
            height: block.header.height,
            blockHash: block.hash,
            from: this.signer.department,
            kind: 'block',
          },
          this.signer.signer,
        );
        attestations.push({ key: channel, value: encodeAttestation(attestation) });
      }
    }
    await this.publishChunked(blocksTopic(this.signer.department), events);
    await this.publishChunked(attestTopic(channel), attestations);
  }

  private attests(channel: string, config: ChannelConfig | null): boolean {
    const me = config?.members.find((m) => m.id === this.signer.department);
    if (me === undefined || me.status !== 'active') return false;
    if (me.ed25519 !== this.signer.ed25519 && !this.warnedKeyMismatch.has(channel)) {
      this.warnedKeyMismatch.add(channel);
      this.log.pino.warn(
        { channel, configured: me.ed25519, ours: this.signer.ed25519 },
        'the channel lists another Ed25519 key for this department than its key file: its attestations will not verify',
      );
    }
    return true;
  }

  private async publishChunked(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
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
