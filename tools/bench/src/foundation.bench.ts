/**
 * Foundation benchmark (issue 2): protocol core, embedded log and Kafka.
 * Prints a table; never asserts. Run with `npm run bench` (starts the
 * infrastructure it needs) or `node tools/bench/dist/foundation.bench.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  MerkleTree,
  generateEd25519KeyPair,
  ed25519Signer,
  signTx,
  verifyEnvelopeSignature,
  verifyInclusion,
  type TxEnvelope,
} from '@accord/protocol';
import { createEventBus, type EventBus, type LogMessage } from '@accord/event-bus';
import { loadBenchConfig } from './bench.config';
import { measureDuration, measureRate, median, printTable, withNote, type Measurement } from './bench-stats';

const RUNS = 5;

function leafHashes(n: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = createHash('sha256').update(`leaf-${i}`).digest();
  return out;
}

async function protocolBenchmarks(scale: number): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const leaves = leafHashes(1_000_000);
  rows.push(
    await measureDuration('merkle root, 1,000,000 leaves', 3, () => void MerkleTree.fromLeafHashes(leaves).root()),
  );

  const tree = MerkleTree.fromLeafHashes(leaves);
  const root = tree.root();
  const proofsPerRun = Math.round(50_000 * scale);
  const indices = Array.from({ length: proofsPerRun }, (_, i) => (i * 7919) % leaves.length);
  rows.push(
    await measureRate('inclusion proof generation (1M-leaf tree)', RUNS, () => {
      for (const i of indices) tree.inclusionProof(i);
      return indices.length;
    }),
  );
  const proofs = indices.map((i) => tree.inclusionProof(i));
  rows.push(
    await measureRate('inclusion proof verification (1M-leaf tree)', RUNS, () => {
      for (let k = 0; k < indices.length; k++) {
        if (!verifyInclusion(leaves[indices[k]], indices[k], leaves.length, proofs[k], root).ok)
          throw new Error('proof failed');
      }
      return indices.length;
    }),
  );

  const keys = generateEd25519KeyPair();
  const signer = ed25519Signer(keys.privateKey);
  const txs = Math.round(20_000 * scale);
  let nonce = 0;
  rows.push(
    await measureRate('tx sign (JCS + SHA-256 + Ed25519)', RUNS, () => {
      for (let i = 0; i < txs; i++) {
        signTx(
          { v: 1, channel: 'bench', type: 'bench.tx', from: 'dept-a', nonce: nonce++, ts: 0, payload: { i } },
          signer,
        );
      }
      return txs;
    }),
  );
  const envelopes: TxEnvelope[] = Array.from({ length: txs }, (_, i) =>
    signTx({ v: 1, channel: 'bench', type: 'bench.tx', from: 'dept-a', nonce: i, ts: 0, payload: { i } }, signer),
  );
  rows.push(
    await measureRate('tx verify (txId + Ed25519, one core)', RUNS, () => {
      for (const e of envelopes) if (!verifyEnvelopeSignature(e, keys.publicKey)) throw new Error('bad signature');
      return envelopes.length;
    }),
  );
  rows.push(
    await measureRate('tx sign + verify', RUNS, () => {
      for (let i = 0; i < txs; i++) {
        const e = signTx(
          { v: 1, channel: 'bench', type: 'bench.tx', from: 'dept-a', nonce: nonce++, ts: 0, payload: { i } },
          signer,
        );
        if (!verifyEnvelopeSignature(e, keys.publicKey)) throw new Error('bad signature');
      }
      return txs;
    }),
  );
  return rows;
}

const med = (values: number[]): number => median(values);
const slug = (label: string): string => label.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Publishes `count` messages in batches of `batch`, then consumes them all through a consumer group. */
async function busRates(
  bus: EventBus,
  label: string,
  count: number,
  batch: number,
  payload: Uint8Array,
): Promise<Measurement[]> {
  const produce: number[] = [];
  const consume: number[] = [];
  const done: { stop(): Promise<void> }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const topic = `bench.${slug(label)}.${process.pid}.${run}`;
    await bus.ensureTopic(topic);
    const t0 = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let sent = 0; sent < count; sent += batch) {
      const n = Math.min(batch, count - sent);
      inFlight.push(
        bus.publish(
          topic,
          Array.from({ length: n }, () => ({ value: payload })),
        ),
      );
      // Keep a few batches in flight, as a real producer does.
      if (inFlight.length >= 8) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    produce.push(count / ((performance.now() - t0) / 1000));

    const t1 = performance.now();
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      bus
        .subscribe({
          topic,
          groupId: `bench-${slug(label)}-${process.pid}-${run}`,
          fromIfNoCommit: 'earliest',
          maxBatchSize: 1000,
          handler: async (msgs: readonly LogMessage[]) => {
            seen += msgs.length;
            if (seen >= count) resolve();
          },
        })
        .then((sub) => done.push(sub), reject);
    });
    consume.push(count / ((performance.now() - t1) / 1000));
    await Promise.all(done.splice(0).map((s) => s.stop()));
  }
  return [
    {
      name: `${label}: publish (durable, batches of ${batch})`,
      unit: 'msg/s',
      runs: RUNS,
      median: med(produce),
      min: Math.min(...produce),
      max: Math.max(...produce),
    },
    {
      name: `${label}: consume (consumer group)`,
      unit: 'msg/s',
      runs: RUNS,
      median: med(consume),
      min: Math.min(...consume),
      max: Math.max(...consume),
    },
  ];
}
/** Raw kafkajs with the same settings (idempotent producer, acks=all): the baseline for our adapter. */
async function rawKafkajs(brokers: string[], count: number, batch: number, payload: Buffer): Promise<Measurement[]> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  const produce: number[] = [];
  const consume: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const topic = `bench.raw.${process.pid}.${run}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      const t0 = performance.now();
      const inFlight: Promise<unknown>[] = [];
      for (let sent = 0; sent < count; sent += batch) {
        const n = Math.min(batch, count - sent);
        inFlight.push(
          producer.send({ topic, acks: -1, messages: Array.from({ length: n }, () => ({ value: payload })) }),
        );
        if (inFlight.length >= 8) await Promise.all(inFlight.splice(0));
      }
      await Promise.all(inFlight);
      produce.push(count / ((performance.now() - t0) / 1000));

      const consumer = kafka.consumer({ groupId: `bench-raw-${process.pid}-${run}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const t1 = performance.now();
      let seen = 0;
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch: b }) => {
            seen += b.messages.length;
            if (seen >= count) resolve();
          },
        });
      });
      consume.push(count / ((performance.now() - t1) / 1000));
      await consumer.disconnect();
    }
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
  return [
    {
      name: `raw kafkajs: produce (acks=all, batches of ${batch})`,
      unit: 'msg/s',
      runs: RUNS,
      median: med(produce),
      min: Math.min(...produce),
      max: Math.max(...produce),
    },
    {
      name: 'raw kafkajs: consume (eachBatch)',
      unit: 'msg/s',
      runs: RUNS,
      median: med(consume),
      min: Math.min(...consume),
      max: Math.max(...consume),
    },
  ];
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const payload = randomBytes(256);
  const count = Math.round(100_000 * config.scale);
  const batch = 500;

  printTable('Protocol core', await protocolBenchmarks(config.scale));

  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-log-'));
  const embedded = await createEventBus({ kind: 'embedded', dataDir: dir });
  const embeddedRows = await busRates(embedded, 'embedded log', count, batch, payload);
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });
  printTable(
    `Embedded durable log (${count.toLocaleString('en-US')} × 256 B messages per run, fsync per batch)`,
    embeddedRows,
  );

  const raw = await rawKafkajs(config.kafkaBrokers, count, batch, payload);
  const kafka = await createEventBus({ kind: 'kafka', brokers: config.kafkaBrokers, clientId: 'bench-accord' });
  const ours = await busRates(kafka, 'accord kafka adapter', count, batch, payload);
  await kafka.close();
  printTable(
    `Kafka, real broker at ${config.kafkaBrokers.join(',')} (${count.toLocaleString('en-US')} × 256 B messages per run)`,
    [
      raw[0],
      raw[1],
      withNote(ours[0], `${(ours[0].median / raw[0].median).toFixed(2)}× raw kafkajs`),
      withNote(ours[1], `${(ours[1].median / raw[1].median).toFixed(2)}× raw kafkajs`),
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
