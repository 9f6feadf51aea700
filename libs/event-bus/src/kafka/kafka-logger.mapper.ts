import { logLevel, type logCreator } from 'kafkajs';
import type { EventBusLogger } from '../event-bus.logger';

/**
 * Routes kafkajs' own logs into the injected logger. kafkajs INFO lines
 * (connects, joins, rebalances) are routine, so they become debug.
 */
export function kafkaLogCreator(logger: EventBusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const context = { kafkajs: namespace, ...extra };
      const text = `kafkajs: ${message}`;
      // Bounded retries are deliberate: the bus replaces the producer after a failed send,
      // which keeps the idempotence guarantee this warning is about.
      if (message.startsWith('Limiting retries for the idempotent producer')) {
        logger.debug(text, context);
        return;
      }
      switch (level) {
        case logLevel.ERROR:
          // kafkajs logs every error *response* at ERROR, retriable ones included (e.g. "the
          // coordinator is loading" right after a broker start); real failures reach the caller.
          if (namespace === 'Connection') logger.warn(text, context);
          else logger.error(text, context);
          break;
        case logLevel.WARN:
          logger.warn(text, context);
          break;
        case logLevel.INFO:
        case logLevel.DEBUG:
          logger.debug(text, context);
          break;
        case logLevel.NOTHING:
          break;
      }
    };
}
