/**
 * What a closed load network leaves on the shared servers, removed (best
 * effort: leaving it only costs disk): its departments' PostgreSQL schemas,
 * their MinIO buckets, the channel's and the departments' Kafka topics.
 * Every name carries the run's fresh suffix, so nothing of another run or
 * another user of the servers matches.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { SERVICE_NAMES } from '@accord/cli';
import { databaseSchema } from '@accord/system-proof';
import { RawMinio } from './gateway-minio.baseline';
import type { SystemLoadConfig } from './system-load.config';

export async function removeNetworkLeftovers(
  config: SystemLoadConfig,
  channel: string,
  departments: readonly string[],
): Promise<void> {
  const db = new Client({ connectionString: config.pgUrl });
  await db.connect();
  try {
    for (const department of departments)
      for (const service of SERVICE_NAMES)
        await db.query(`DROP SCHEMA IF EXISTS "${databaseSchema(department, service)}" CASCADE`);
  } finally {
    await db.end();
  }
  const minio = new RawMinio(config.minio);
  for (const department of departments) await minio.removeBucket(`accord-${department}`);
  const kafka = new Kafka({
    clientId: 'bench-sysload-cleanup',
    brokers: [...config.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (topic: string): boolean => topic.includes(channel) || departments.some((d) => topic.includes(d));
    const doomed = (await admin.listTopics()).filter(ours);
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
