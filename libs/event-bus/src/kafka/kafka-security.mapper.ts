import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { KAFKA_SASL_MECHANISMS, type KafkaEventBusConfig, type KafkaSaslConfig } from '../event-bus.config';

/**
 * The kafkajs `ssl` and `sasl` options of the bus config. The internal
 * cluster used for group-less reads is built by the same Kafka client, so it
 * inherits both.
 */
export function kafkaSecurityOptions(
  config: Pick<KafkaEventBusConfig, 'tls' | 'sasl'>,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (config.tls !== undefined) options.ssl = config.tls.ca === undefined ? true : { ca: [config.tls.ca] };
  if (config.sasl !== undefined) options.sasl = saslOptions(config.sasl);
  return options;
}

// One case per mechanism: kafkajs types SASLOptions as a union discriminated by `mechanism`.
function saslOptions({ mechanism, username, password }: KafkaSaslConfig): SASLOptions {
  switch (mechanism) {
    case 'scram-sha-512':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'plain':
      return { mechanism, username, password };
  }
}

/** Problems of the security settings, for the adapter's config check (never echoes the password). */
export function kafkaSecurityProblems(config: Pick<KafkaEventBusConfig, 'tls' | 'sasl'>): string[] {
  const problems: string[] = [];
  const tls: unknown = config.tls;
  if (tls !== undefined) {
    const ca = (tls as { ca?: unknown } | null)?.ca;
    if (typeof tls !== 'object' || tls === null || (ca !== undefined && (typeof ca !== 'string' || ca.length === 0)))
      problems.push('tls must be {} or {ca: <PEM string>}');
  }
  const sasl: unknown = config.sasl;
  if (sasl !== undefined) {
    const { mechanism, username, password } = (sasl ?? {}) as Record<string, unknown>;
    if (!(KAFKA_SASL_MECHANISMS as readonly unknown[]).includes(mechanism))
      problems.push(`sasl.mechanism must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`);
    if (typeof username !== 'string' || username.length === 0)
      problems.push('sasl.username must be a non-empty string');
    if (typeof password !== 'string' || password.length === 0)
      problems.push('sasl.password must be a non-empty string');
  }
  return problems;
}
