import { InvalidEventBusConfigError } from './event-bus.errors';
import type { EventBusLogger } from './event-bus.logger';

/** Settings shared by both adapters. */
export interface EventBusCommonConfig {
  /** Where warnings and errors go (kafkajs logs included). Default: stderr for warn/error. */
  readonly logger?: EventBusLogger;
  /**
   * Upper bound on the bytes of one publish call (payloads, keys, headers plus
   * a fixed per-record overhead). Kafka topics are created to accept it.
   * Default 4 MiB.
   */
  readonly maxBatchBytes?: number;
  /** Redelivery backoff after a handler rejects: doubles from `initialMs` up to `maxMs`. Default 100 ms .. 5 s. */
  readonly handlerRetry?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface KafkaEventBusConfig extends EventBusCommonConfig {
  /** `host:port` bootstrap brokers. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Replication factor for topics created by `ensureTopic`. Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` for created topics (acks=all waits for this many). Default: the broker's setting. */
  readonly minInsyncReplicas?: number;
  /** `retention.ms` for created topics. Default -1: keep forever (replicas rebuild from the log). */
  readonly retentionMs?: number;
  /** Consumer group session timeout; a crashed member's partition moves after this. Default 30 s. */
  readonly sessionTimeoutMs?: number;
  /** Default 3 s; must be well below the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits on the broker for new data; also bounds `Subscription.stop` latency. Default 500 ms. */
  readonly maxWaitTimeMs?: number;
  /** TCP connect timeout. Default 3 s. */
  readonly connectionTimeoutMs?: number;
  /** Broker request timeout (also the produce acks timeout). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** TLS to the brokers; `ca` (PEM) replaces the system CAs (e.g. Strimzi's cluster CA). Default: plain TCP. */
  readonly tls?: { readonly ca?: string };
  /** SASL authentication, e.g. a Strimzi KafkaUser with `authentication: scram-sha-512`. Default: none. */
  readonly sasl?: KafkaSaslConfig;
}

/** The SASL mechanisms the bus supports (kafkajs built-ins that take a user name and password). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

export interface KafkaSaslConfig {
  readonly mechanism: (typeof KAFKA_SASL_MECHANISMS)[number];
  readonly username: string;
  readonly password: string;
}

export interface EmbeddedEventBusConfig extends EventBusCommonConfig {
  /** Directory holding the log; created if missing. One process at a time. */
  readonly dataDir: string;
  /** Segment files roll over above this size. Default 64 MiB. */
  readonly segmentBytes?: number;
  /**
   * The log's clock for append timestamps: `now()` in ms since the epoch (the
   * service kit's `Clock` port fits). Default: the system clock.
   */
  readonly clock?: { now(): number };
}

/** Input of `createEventBus`. */
export type EventBusConfig =
  ({ readonly kind: 'kafka' } & KafkaEventBusConfig) | ({ readonly kind: 'embedded' } & EmbeddedEventBusConfig);

export const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_BATCH_SIZE = 500;
const MAX_BATCH_BYTES_LIMIT = 512 * 1024 * 1024;

export interface ResolvedCommonConfig {
  readonly maxBatchBytes: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/** Collects every problem of a config object before failing, so one run shows them all. */
export class ConfigProblems {
  private readonly problems: string[] = [];

  constructor(private readonly what: string) {}

  integer(name: string, value: unknown, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new InvalidEventBusConfigError(`invalid ${this.what} config: ${this.problems.join('; ')}`);
    }
  }
}

export function resolveCommonConfig(config: EventBusCommonConfig, problems: ConfigProblems): ResolvedCommonConfig {
  problems.integer('maxBatchBytes', config.maxBatchBytes, 1024, MAX_BATCH_BYTES_LIMIT);
  problems.integer('handlerRetry.initialMs', config.handlerRetry?.initialMs, 1, 3_600_000);
  problems.integer('handlerRetry.maxMs', config.handlerRetry?.maxMs, 1, 3_600_000);
  const retryInitialMs = config.handlerRetry?.initialMs ?? 100;
  const retryMaxMs = config.handlerRetry?.maxMs ?? Math.max(5000, retryInitialMs);
  problems.check(retryMaxMs >= retryInitialMs, 'handlerRetry.maxMs must be >= handlerRetry.initialMs');
  return { maxBatchBytes: config.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES, retryInitialMs, retryMaxMs };
}
