import { canonicalBytes, sha256Hex, toHex, uintSchema } from '@accord/protocol';
import { z } from 'zod';

export const EVENT_PARKED = 'event.parked';
export const PARKED_EVENT_VERSION = 1;

/**
 * At most this many bytes of the parked record are copied (as hex) into the
 * dead letter, so a dead letter always fits one bus message; the full record
 * stays at (topic, offset) of its own topic and `valueSha256` identifies it.
 */
export const MAX_PARKED_VALUE_BYTES = 512 * 1024;

const hexSchema = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'must be lowercase hex');

/**
 * `event.parked` on deadLetterTopic(department, consumer): a record a
 * consumer could not read, with where it came from and why. Published
 * before the consumer moves past the record, so at least once: consumers of
 * a dead-letter topic identify a record by (topic, offset).
 */
export const parkedEventSchema = z.object({
  v: z.literal(PARKED_EVENT_VERSION),
  type: z.literal(EVENT_PARKED),
  /** The consumer that parked it (e.g. `contracts`). */
  consumer: z.string().min(1),
  topic: z.string().min(1),
  offset: uintSchema,
  /** Log time of the parked record (ms): no clock of the consumer's. */
  timestamp: uintSchema,
  key: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  /** The record's bytes as hex, cut at MAX_PARKED_VALUE_BYTES. */
  value: hexSchema,
  valueBytes: uintSchema,
  valueSha256: hexSchema,
  truncated: z.boolean(),
  reason: z.object({
    /** Stable code: `event_not_json`, `event_invalid`, or the consumer's own (e.g. `block_event_invalid`). */
    code: z.string().min(1),
    message: z.string(),
  }),
});

export type ParkedEvent = z.output<typeof parkedEventSchema>;

/** A log record as a consumer read it (the event bus's LogMessage has this shape). */
export interface ParkableRecord {
  readonly topic: string;
  readonly offset: number;
  readonly timestamp: number;
  readonly key?: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ParkReason {
  readonly code: string;
  readonly message: string;
}

/** The dead letter of `record` for `consumer`. */
export function parkedEvent(consumer: string, record: ParkableRecord, reason: ParkReason): ParkedEvent {
  const truncated = record.value.length > MAX_PARKED_VALUE_BYTES;
  return parkedEventSchema.parse({
    v: PARKED_EVENT_VERSION,
    type: EVENT_PARKED,
    consumer,
    topic: record.topic,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key ?? null,
    headers: { ...record.headers },
    value: toHex(truncated ? record.value.subarray(0, MAX_PARKED_VALUE_BYTES) : record.value),
    valueBytes: record.value.length,
    valueSha256: sha256Hex(record.value),
    truncated,
    reason: { code: reason.code, message: reason.message },
  });
}

/** JCS of a dead letter. */
export function encodeParkedEvent(event: ParkedEvent): Uint8Array {
  return canonicalBytes(event);
}

/** Headers of a dead-letter record. */
export function parkedEventHeaders(event: ParkedEvent): Record<string, string> {
  return { type: EVENT_PARKED, topic: event.topic, offset: String(event.offset), code: event.reason.code };
}
