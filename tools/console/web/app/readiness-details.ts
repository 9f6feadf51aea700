/** One readiness check of a service, with its details as text (a tooltip). */
export interface ReadinessCheckView {
  readonly name: string;
  readonly up: boolean;
  readonly details: string;
}

/** Where one event consumer of a service stands on one topic (the `events` readiness details). */
export interface ConsumerLag {
  readonly consumer: string;
  readonly topic: string;
  /** starting, catching-up, live or retrying. */
  readonly state: string;
  /** Messages between the log end and the consumer's next offset; null until its reader opened the topic. */
  readonly lag: number | null;
  /** Messages it parked on its dead-letter topic since the service started. */
  readonly parked: number;
}

export interface ReadinessView {
  readonly checks: readonly ReadinessCheckView[];
  readonly consumers: readonly ConsumerLag[];
  readonly problem?: string;
}

type CheckDetails = { readonly status?: unknown } & Record<string, unknown>;

/**
 * Reads a GET /health/ready answer (terminus format, 200 or 503 alike):
 * each check, and from the `events` check's details every consumer with
 * its state, lag and parked count (docs/event-bus.md "Event transport").
 */
export function readinessView(status: number, text: string): ReadinessView {
  let body: { details?: Record<string, CheckDetails>; message?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { checks: [], consumers: [], problem: status === 0 ? `unreachable: ${text}` : text.slice(0, 200) };
  }
  const details = body.details ?? {};
  const checks = Object.entries(details).map(([name, { status: state, ...rest }]) => ({
    name,
    up: state === 'up',
    details: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
  }));
  const consumers = details.events === undefined ? [] : consumersOf(details.events);
  const problem = status !== 200 && checks.length === 0 ? (body.message ?? text) : undefined;
  return problem === undefined ? { checks, consumers } : { checks, consumers, problem };
}

/** The `consumers` of the events check joined with its `parked` counts; entries of another shape are skipped. */
function consumersOf(events: CheckDetails): ConsumerLag[] {
  const parked = new Map<string, number>();
  for (const entry of arrayOf(events.parked)) {
    if (typeof entry.consumer === 'string' && typeof entry.topic === 'string' && typeof entry.parked === 'number')
      parked.set(`${entry.consumer}\u0000${entry.topic}`, entry.parked);
  }
  return arrayOf(events.consumers).flatMap((entry) => {
    const { consumer, topic, state, lag } = entry;
    if (typeof consumer !== 'string' || typeof topic !== 'string' || typeof state !== 'string') return [];
    return [
      {
        consumer,
        topic,
        state,
        lag: typeof lag === 'number' ? lag : null,
        parked: parked.get(`${consumer}\u0000${topic}`) ?? 0,
      },
    ];
  });
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}
