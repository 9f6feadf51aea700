/**
 * Typed event bus errors. Each carries a stable string `code` that survives
 * process boundaries (logs, HTTP problem details, dead-letter records).
 */
export abstract class EventBusError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bus configuration is malformed (unknown kind, empty broker list, bad sizes ...). */
export class InvalidEventBusConfigError extends EventBusError {
  readonly code = 'event_bus_invalid_config';
}

/** An argument is malformed: topic name, group id, offset, batch size, message shape. */
export class InvalidEventBusArgumentError extends EventBusError {
  readonly code = 'event_bus_invalid_argument';
}

/** The topic does not exist; topics are only created by `ensureTopic`. */
export class TopicNotFoundError extends EventBusError {
  readonly code = 'event_bus_topic_not_found';

  constructor(readonly topic: string) {
    super(`topic "${topic}" does not exist; create it with ensureTopic() first`);
  }
}

/** An existing topic cannot give the bus's guarantees (e.g. more than one partition, so no total order). */
export class TopicMisconfiguredError extends EventBusError {
  readonly code = 'event_bus_topic_misconfigured';
}

/** One publish call (or one message) exceeds the configured `maxBatchBytes`. */
export class MessageTooLargeError extends EventBusError {
  readonly code = 'event_bus_message_too_large';

  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `publish to "${topic}" needs about ${bytes} bytes, more than the limit of ${limit} bytes per call; ` +
        'split it into several publish calls',
    );
  }
}

/** A start or read offset lies beyond the end of the log. */
export class OffsetOutOfRangeError extends EventBusError {
  readonly code = 'event_bus_offset_out_of_range';

  constructor(
    readonly topic: string,
    readonly offset: number,
    readonly endOffset: number,
  ) {
    super(`offset ${offset} is beyond the end of topic "${topic}" (end offset ${endOffset})`);
  }
}

/** The bus was closed; create a new one. */
export class EventBusClosedError extends EventBusError {
  readonly code = 'event_bus_closed';

  constructor() {
    super('the event bus is closed');
  }
}

/**
 * The broker failed or could not be reached. For a publish the outcome is
 * unknown: the messages may or may not have been appended (consumers dedupe).
 */
export class EventBusUnavailableError extends EventBusError {
  readonly code = 'event_bus_unavailable';
}

/** Another live process holds the embedded log directory. */
export class LogLockedError extends EventBusError {
  readonly code = 'event_bus_log_locked';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `embedded log directory ${dataDir} is in use by process ${holderPid}; ` +
        'only one process may open it (stop that process, or remove the LOCK file if it is not an Accord process)',
    );
  }
}

/** A record of the embedded log failed its checksum or framing outside the recoverable tail. */
export class LogCorruptedError extends EventBusError {
  readonly code = 'event_bus_log_corrupted';
}

/** Why the embedded log cannot take writes: its disk is full, read-only, or failing. */
export type LogUnwritableReason = 'disk_full' | 'read_only' | 'io_error';

const UNWRITABLE_WHY: Readonly<Record<LogUnwritableReason, string>> = {
  disk_full: 'its disk is full',
  read_only: 'its file system is read-only',
  io_error: 'the disk reported an I/O error',
};

/**
 * Writing or syncing the embedded log failed: the disk is full (ENOSPC,
 * EDQUOT, a short write), read-only (EROFS) or failing (EIO ...). The batch
 * was not appended (the segment is cut back to its last durable append), and
 * the topic refuses appends with this error until a probe write succeeds
 * again: it retries on its own, so appends resume once space is freed or the
 * disk takes writes again (docs/event-bus.md "Disk full or read-only").
 */
export class LogWriteFailedError extends EventBusError {
  readonly code = 'event_bus_log_write_failed';

  constructor(
    readonly topic: string,
    readonly reason: LogUnwritableReason,
    options?: { cause?: unknown },
  ) {
    super(
      `the embedded log cannot append to topic "${topic}": ${UNWRITABLE_WHY[reason]}` +
        `${errnoSuffix(options?.cause)}; appends are refused until it takes writes again (retried on its own)`,
      options,
    );
  }
}

/** What the file system said: its errno code, else the message (a short write has no code). */
function errnoSuffix(cause: unknown): string {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return ` (${code})`;
  return typeof message === 'string' ? ` (${message})` : '';
}
