import type { EventBus, OutgoingMessage, PublishResult } from '@accord/event-bus';
import { DependencyUnavailableError } from '../errors/dependency-unavailable.classifier';

/** How long a request waits for the bus to acknowledge a publish before answering 503. */
export const REQUEST_PUBLISH_TIMEOUT_MS = 5000;

/**
 * `bus.publish` for a request handler: while the broker is down a publish
 * keeps retrying for much longer than a client waits, so the request fails
 * fast with DependencyUnavailableError('bus') (503 + Retry-After) instead.
 * The publish may still complete afterwards, so a retry must be harmless (a
 * tx envelope published twice: the second copy is `replayed`).
 */
export async function publishForRequest(
  bus: EventBus,
  topic: string,
  messages: readonly OutgoingMessage[],
  timeoutMs = REQUEST_PUBLISH_TIMEOUT_MS,
): Promise<PublishResult> {
  let timer: NodeJS.Timeout | undefined;
  const publishing = bus.publish(topic, messages);
  publishing.catch(() => undefined); // still observed below; no unhandled rejection once abandoned
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DependencyUnavailableError('bus', `no publish acknowledgement within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([publishing, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
