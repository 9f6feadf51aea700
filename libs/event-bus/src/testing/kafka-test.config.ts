/**
 * Connection settings of the real Kafka broker that scripts/infra/kafka.sh
 * starts (recorded in ~/.cache/accord/run/infra.env, sourced by the test runner).
 * A missing setting fails the test: integration tests never skip.
 */
export function kafkaTestBrokers(): string[] {
  const raw = process.env.ACCORD_TEST_KAFKA_BROKERS;
  if (!raw || raw.trim() === '') {
    throw new Error(
      'ACCORD_TEST_KAFKA_BROKERS is not set: start Kafka with `bash scripts/infra/kafka.sh start` ' +
        'and source ~/.cache/accord/run/infra.env before running the integration tests',
    );
  }
  return raw.split(',').map((b) => b.trim());
}
