import type { Message, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { OutgoingMessage, PublishResult } from '../event-bus.port';
import { toEventBusError } from './kafka-errors.mapper';

interface PendingPublish {
  readonly messages: readonly OutgoingMessage[];
  readonly bytes: number;
  readonly resolve: (result: PublishResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes to one topic, one produce request at a time. Calls that arrive
 * while a request is in flight are grouped into the next one (up to
 * `maxBatchBytes`), so a produce request carries one Kafka record batch that
 * the broker appends atomically and contiguously: each caller's messages get
 * consecutive offsets even with other producers writing to the same topic.
 */
export class KafkaTopicPublisher {
  private readonly queue: PendingPublish[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly topic: string,
    private readonly producer: IdempotentProducer,
    private readonly maxBatchBytes: number,
    private readonly ackTimeoutMs: number,
  ) {}

  publish(messages: readonly OutgoingMessage[], bytes: number): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ messages, bytes, resolve, reject });
      this.sending ??= this.drain();
    });
  }

  /** Resolves once every queued publish has settled. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.send(this.takeGroup());
    } finally {
      this.sending = undefined;
    }
  }

  private takeGroup(): PendingPublish[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count].bytes <= this.maxBatchBytes)) {
      bytes += this.queue[count].bytes;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async send(group: PendingPublish[]): Promise<void> {
    const messages: Message[] = [];
    for (const pending of group) for (const message of pending.messages) messages.push(toKafkaMessage(message));
    try {
      const metadata = await this.producer.send({
        topic: this.topic,
        acks: -1,
        timeout: this.ackTimeoutMs,
        messages,
      });
      const partition = metadata.find((m) => m.partition === 0);
      if (partition?.baseOffset === undefined) {
        throw new Error(`produce response for "${this.topic}" carries no base offset for partition 0`);
      }
      let offset = Number(partition.baseOffset);
      for (const pending of group) {
        pending.resolve({ topic: this.topic, baseOffset: offset, count: pending.messages.length });
        offset += pending.messages.length;
      }
    } catch (error) {
      const bytes = group.reduce((sum, p) => sum + p.bytes, 0);
      const mapped = toEventBusError(error, 'publish', this.topic, { bytes, maxBatchBytes: this.maxBatchBytes });
      for (const pending of group) pending.reject(mapped);
    }
  }
}

/**
 * The bus's one idempotent producer (acks=all, one request in flight). After
 * a send fails, whether the broker appended it is unknown and the producer's
 * sequence numbers may no longer match the broker's, so it is replaced: the
 * next send gets a fresh producer id and cannot be mistaken for a duplicate.
 */
export class IdempotentProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private closed = false;

  constructor(private readonly create: () => Producer) {}

  async connect(): Promise<void> {
    await this.get();
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = await this.get();
    try {
      return await producer.send(record);
    } catch (error) {
      if (this.producer === producer) {
        this.producer = undefined;
        void producer.disconnect().catch(() => undefined);
      }
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async get(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (this.closed) throw new Error('producer is closed');
    this.connecting ??= (async () => {
      const producer = this.create();
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}

function toKafkaMessage(message: OutgoingMessage): Message {
  const { value } = message;
  return {
    partition: 0,
    key: message.key ?? null,
    // A view, not a copy: kafkajs only reads it while encoding the request.
    value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    headers: message.headers ? { ...message.headers } : undefined,
  };
}
