import type { IHeaders } from 'kafkajs';
import type { LogMessage } from '../event-bus.port';

/** The fields of a fetched kafkajs message that the bus uses. */
export interface FetchedKafkaMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY = new Uint8Array(0);

/**
 * Maps a kafkajs message to a LogMessage. With topics set to LogAppendTime,
 * kafkajs reports the batch's broker append time as `timestamp`.
 */
export function toLogMessage(topic: string, message: FetchedKafkaMessage): LogMessage {
  let headers = NO_HEADERS;
  if (message.headers) {
    const entries: [string, string][] = [];
    for (const [name, raw] of Object.entries(message.headers)) {
      // The bus never writes a header twice; if another producer did, the last one wins.
      const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (last !== undefined) entries.push([name, Buffer.isBuffer(last) ? last.toString('utf8') : String(last)]);
    }
    if (entries.length > 0) headers = Object.fromEntries(entries);
  }
  const base = {
    topic,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    value: message.value ?? EMPTY,
    headers,
  };
  return message.key === null || message.key === undefined ? base : { ...base, key: message.key.toString('utf8') };
}
