import { EventBusError, EventBusUnavailableError, MessageTooLargeError, TopicNotFoundError } from '../event-bus.errors';

interface KafkaJsErrorShape {
  readonly name?: string;
  readonly type?: string;
  readonly message?: string;
  readonly originalError?: unknown;
  readonly errors?: unknown[];
}

/** The Kafka protocol error type (e.g. UNKNOWN_TOPIC_OR_PARTITION) of a kafkajs error, unwrapping retries. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let current = error as KafkaJsErrorShape | undefined, depth = 0; current && depth < 5; depth++) {
    if (typeof current.type === 'string') return current.type;
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      current = current.errors[0] as KafkaJsErrorShape;
    } else {
      current = current.originalError as KafkaJsErrorShape | undefined;
    }
  }
  return undefined;
}

/** Maps a kafkajs failure to the bus's typed errors; bus errors pass through unchanged. */
export function toEventBusError(
  error: unknown,
  operation: string,
  topic: string | undefined,
  limits?: { bytes: number; maxBatchBytes: number },
): EventBusError {
  if (error instanceof EventBusError) return error;
  const type = kafkaErrorType(error);
  if (topic !== undefined && type === 'UNKNOWN_TOPIC_OR_PARTITION') return new TopicNotFoundError(topic);
  if (topic !== undefined && limits && (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE')) {
    return new MessageTooLargeError(topic, limits.bytes, limits.maxBatchBytes);
  }
  const message = (error as KafkaJsErrorShape | undefined)?.message ?? String(error);
  return new EventBusUnavailableError(
    `kafka ${operation}${topic === undefined ? '' : ` on "${topic}"`} failed: ${message}`,
    { cause: error },
  );
}
