/**
 * Baseline: raw kafkajs moving the benchmark's own tx bytes through the
 * same broker, one producer and one consumer at once (what the ledger's
 * log path does at minimum, without parsing, verifying or storing).
 */
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaBaselineRun {
  /** Messages per second from the first send until the consumer had them all. */
  readonly produceConsumeRate: number;
  /** Messages per second of the producer alone (its last ack). */
  readonly produceRate: number;
}

const BATCH = 500;
const IN_FLIGHT = 8;

/** One run on a fresh topic; deletes the topic afterwards. */
export async function rawKafkaProduceConsume(
  brokers: readonly string[],
  topic: string,
  values: readonly Uint8Array[],
): Promise<KafkaBaselineRun> {
  const kafka = new Kafka({ clientId: 'bench-raw-baseline', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // The settings of the Accord adapter's producer: idempotent, acks=all.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let allSeen: () => void = () => undefined;
    const consumed = new Promise<void>((resolve) => (allSeen = resolve));
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= values.length) allSeen();
      },
    });
    await joined;

    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let sent = 0; sent < values.length; sent += BATCH) {
      const messages = values
        .slice(sent, sent + BATCH)
        .map((v) => ({ value: Buffer.from(v.buffer, v.byteOffset, v.byteLength), headers: { kind: 'tx' } }));
      inFlight.push(producer.send({ topic, acks: -1, messages }));
      if (inFlight.length >= IN_FLIGHT) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    const produced = performance.now();
    await consumed;
    const done = performance.now();
    return {
      produceConsumeRate: values.length / ((done - start) / 1000),
      produceRate: values.length / ((produced - start) / 1000),
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Deletes topics this run created (best effort: leaving them only costs disk). */
export async function deleteTopics(brokers: readonly string[], topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const kafka = new Kafka({ clientId: 'bench-cleanup', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
