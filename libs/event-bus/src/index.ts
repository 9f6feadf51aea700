export type {
  EventBus,
  LogMessage,
  OutgoingMessage,
  PublishResult,
  ReadOptions,
  StartPosition,
  SubscribeOptions,
  Subscription,
} from './event-bus.port';
export type {
  EmbeddedEventBusConfig,
  EventBusCommonConfig,
  EventBusConfig,
  KafkaEventBusConfig,
  KafkaSaslConfig,
} from './event-bus.config';
export { MAX_READ_WAIT_MS } from './event-bus.port';
export { DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_BATCH_SIZE, KAFKA_SASL_MECHANISMS } from './event-bus.config';
export {
  EventBusClosedError,
  EventBusError,
  EventBusUnavailableError,
  InvalidEventBusArgumentError,
  InvalidEventBusConfigError,
  LogCorruptedError,
  LogLockedError,
  LogWriteFailedError,
  MessageTooLargeError,
  OffsetOutOfRangeError,
  TopicMisconfiguredError,
  TopicNotFoundError,
} from './event-bus.errors';
export type { LogUnwritableReason } from './event-bus.errors';
export type { EventBusLogger } from './event-bus.logger';
export { silentEventBusLogger, stderrEventBusLogger } from './event-bus.logger';
export { createEventBus } from './event-bus.factory';
export { EmbeddedEventBus } from './embedded/embedded-event-bus.adapter';
export { KafkaEventBus } from './kafka/kafka-event-bus.adapter';
export { kafkaConsumerGroupId } from './kafka/kafka-subscription.consumer';
