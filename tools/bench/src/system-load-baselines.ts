/**
 * The raw baselines of a load run, measured just before each network
 * starts on the same (shared, possibly loaded) servers: kafkajs producing
 * tx-sized messages to a fresh topic (the floor under every tx's way to a
 * block) and the `minio` client putting objects of the workload's size to
 * a fresh bucket (the floor under every upload and transfer).
 */
import { randomBytes } from 'node:crypto';
import { rawKafkaProduceConsume } from './kafka-baseline';
import { RawMinio } from './gateway-minio.baseline';
import { Keystream } from './gateway-random-bytes';
import type { SystemLoadConfig } from './system-load.config';

export interface RawBaselines {
  /** Messages per second of a raw idempotent acks=all producer (its last ack). */
  readonly kafkaProducePerSecond: number;
  readonly kafkaMessages: number;
  readonly kafkaMessageBytes: number;
  /** Sequential raw putObject calls of objectBytes each. */
  readonly minioPutsPerSecond: number;
  readonly minioPutMBps: number;
  readonly minioPuts: number;
  readonly minioObjectBytes: number;
}

export async function measureRawBaselines(config: SystemLoadConfig, run: string): Promise<RawBaselines> {
  const values = Array.from({ length: config.kafkaMessages }, () => randomBytes(config.kafkaMessageBytes));
  const kafka = await rawKafkaProduceConsume(config.kafkaBrokers, `bench.raw.sysload.${run}`, values);

  const minio = new RawMinio(config.minio);
  const bucket = `bench-sysload-${run}-raw`;
  await minio.makeBucket(bucket);
  try {
    let ms = 0;
    for (let i = 0; i < config.minioPuts; i++)
      ms += await minio.put(bucket, `raw-${i}`, config.objectBytes, new Keystream(`${run}-${i}`));
    const seconds = ms / 1000;
    return {
      kafkaProducePerSecond: kafka.produceRate,
      kafkaMessages: config.kafkaMessages,
      kafkaMessageBytes: config.kafkaMessageBytes,
      minioPutsPerSecond: config.minioPuts / seconds,
      minioPutMBps: (config.minioPuts * config.objectBytes) / 1e6 / seconds,
      minioPuts: config.minioPuts,
      minioObjectBytes: config.objectBytes,
    };
  } finally {
    await minio.removeBucket(bucket).catch((e: unknown) => console.error(`bucket ${bucket}:`, e));
  }
}
