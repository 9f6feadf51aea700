import { DEFAULT_MAX_BATCH_SIZE } from './event-bus.config';
import { InvalidEventBusArgumentError, MessageTooLargeError } from './event-bus.errors';
import {
  MAX_READ_WAIT_MS,
  type OutgoingMessage,
  type ReadOptions,
  type StartPosition,
  type SubscribeOptions,
} from './event-bus.port';

// Kafka's own rule, applied to both adapters so a name valid in embedded mode
// is valid in cluster mode, and safe as a file name.
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Upper bound of the framing bytes of one record in either log format (Kafka
 * record: length, attributes, deltas, varint lengths; embedded frame: length,
 * CRC, offset, timestamp, lengths). Used to keep a publish within one batch.
 */
export const RECORD_OVERHEAD_BYTES = 64;
export const HEADER_OVERHEAD_BYTES = 16;
export const MAX_SUBSCRIBE_BATCH_SIZE = 100_000;

export function assertTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !NAME_PATTERN.test(topic) || topic === '.' || topic === '..') {
    throw new InvalidEventBusArgumentError(
      `invalid topic name ${JSON.stringify(topic)}: use 1-249 characters of [A-Za-z0-9._-], not "." or ".."`,
    );
  }
}

export function assertGroupId(groupId: unknown): asserts groupId is string {
  if (typeof groupId !== 'string' || !NAME_PATTERN.test(groupId) || groupId === '.' || groupId === '..') {
    throw new InvalidEventBusArgumentError(
      `invalid consumer group id ${JSON.stringify(groupId)}: use 1-249 characters of [A-Za-z0-9._-], not "." or ".."`,
    );
  }
}

export function assertOffset(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidEventBusArgumentError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
}

export function assertCount(name: string, value: unknown, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidEventBusArgumentError(`${name} must be an integer in [1, ${max}], got ${String(value)}`);
  }
}

/** The wait of a read: absent (0) or an integer in [0, MAX_READ_WAIT_MS]. */
export function readWaitMs(options: ReadOptions | undefined): number {
  const waitMs: unknown = options?.waitMs;
  if (waitMs === undefined) return 0;
  if (typeof waitMs !== 'number' || !Number.isSafeInteger(waitMs) || waitMs < 0 || waitMs > MAX_READ_WAIT_MS) {
    throw new InvalidEventBusArgumentError(
      `waitMs must be an integer in [0, ${MAX_READ_WAIT_MS}], got ${String(waitMs)}`,
    );
  }
  return waitMs;
}

/**
 * Checks the shape of every message and returns the estimated batch size in
 * bytes; throws MessageTooLargeError above `maxBatchBytes`.
 */
export function validateMessages(topic: string, messages: readonly OutgoingMessage[], maxBatchBytes: number): number {
  if (!Array.isArray(messages)) {
    throw new InvalidEventBusArgumentError(`publish to "${topic}": messages must be an array`);
  }
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message === null || typeof message !== 'object' || !(message.value instanceof Uint8Array)) {
      throw new InvalidEventBusArgumentError(`publish to "${topic}": message ${i} needs a Uint8Array value`);
    }
    bytes += RECORD_OVERHEAD_BYTES + message.value.byteLength;
    if (message.key !== undefined) {
      if (typeof message.key !== 'string') {
        throw new InvalidEventBusArgumentError(`publish to "${topic}": message ${i} key must be a string`);
      }
      bytes += Buffer.byteLength(message.key, 'utf8');
    }
    if (message.headers !== undefined) {
      if (message.headers === null || typeof message.headers !== 'object' || Array.isArray(message.headers)) {
        throw new InvalidEventBusArgumentError(`publish to "${topic}": message ${i} headers must be an object`);
      }
      for (const [name, value] of Object.entries(message.headers)) {
        if (typeof value !== 'string') {
          throw new InvalidEventBusArgumentError(
            `publish to "${topic}": message ${i} header ${JSON.stringify(name)} must be a string`,
          );
        }
        bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
      }
    }
    // Checked inside the loop so a huge array fails fast.
    if (bytes > maxBatchBytes) throw new MessageTooLargeError(topic, bytes, maxBatchBytes);
  }
  return bytes;
}

export interface ValidSubscribeOptions {
  readonly topic: string;
  readonly groupId: string;
  readonly fromIfNoCommit: StartPosition;
  readonly maxBatchSize: number;
}

export function validateSubscribeOptions(options: SubscribeOptions): ValidSubscribeOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidEventBusArgumentError('subscribe options must be an object');
  }
  assertTopicName(options.topic);
  assertGroupId(options.groupId);
  if (typeof options.handler !== 'function') {
    throw new InvalidEventBusArgumentError('subscribe options need a handler function');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidEventBusArgumentError('subscribe option onError must be a function');
  }
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  assertCount('maxBatchSize', maxBatchSize, MAX_SUBSCRIBE_BATCH_SIZE);
  const from = options.fromIfNoCommit ?? 'earliest';
  if (from !== 'earliest' && from !== 'latest') {
    if (from === null || typeof from !== 'object') {
      throw new InvalidEventBusArgumentError(
        `fromIfNoCommit must be 'earliest', 'latest' or { offset }, got ${JSON.stringify(from)}`,
      );
    }
    assertOffset('fromIfNoCommit.offset', from.offset);
  }
  return { topic: options.topic, groupId: options.groupId, fromIfNoCommit: from, maxBatchSize };
}
