import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';
import type {
  EventBus,
  LogMessage,
  OutgoingMessage,
  PublishResult,
  ReadOptions,
  SubscribeOptions,
  Subscription,
} from '@accord/event-bus';

const getter = {
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
};

/** The W3C trace context (`traceparent`, `tracestate`) of the active span, as message headers. */
export function traceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  return carrier;
}

/** The span context a message was published under, if it carries one. */
export function messageSpanContext(message: Pick<LogMessage, 'headers'>): SpanContext | undefined {
  const extracted = propagation.extract(context.active(), message.headers, getter);
  const span = trace.getSpanContext(extracted);
  return span !== undefined && trace.isSpanContextValid(span) ? span : undefined;
}

/**
 * How a span that handles several traced items relates to them: one
 * distinct producer context → it is the parent (one trace continues);
 * several → links to each (a block carries txs of many requests).
 */
export function spanRelation(contexts: readonly (SpanContext | undefined)[]): {
  readonly parent: Context | undefined;
  readonly links: Link[];
} {
  const valid = contexts.filter((s): s is SpanContext => s !== undefined);
  const distinct = [...new Map(valid.map((s) => [`${s.traceId}/${s.spanId}`, s])).values()];
  if (distinct.length === 1) return { parent: trace.setSpanContext(context.active(), distinct[0]), links: [] };
  return { parent: undefined, links: distinct.map((spanContext) => ({ context: spanContext })) };
}

/** Adds the active trace context to each message that does not carry one already. */
export function withTraceHeaders(messages: readonly OutgoingMessage[]): readonly OutgoingMessage[] {
  const headers = traceHeaders();
  if (Object.keys(headers).length === 0) return messages;
  return messages.map((m) =>
    m.headers?.['traceparent'] !== undefined ? m : { ...m, headers: { ...headers, ...m.headers } },
  );
}

/**
 * The bus every service uses: publishing injects the W3C trace context of
 * the calling span into each message's headers, so a trace continues across
 * the log (docs/event-bus.md "Traces").
 */
export class TracedEventBus implements EventBus {
  constructor(private readonly bus: EventBus) {}

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult> {
    return this.bus.publish(topic, withTraceHeaders(messages));
  }

  ensureTopic(topic: string): Promise<void> {
    return this.bus.ensureTopic(topic);
  }

  read(topic: string, fromOffset: number, max: number, options?: ReadOptions): Promise<LogMessage[]> {
    return this.bus.read(topic, fromOffset, max, options);
  }

  endOffset(topic: string): Promise<number> {
    return this.bus.endOffset(topic);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.bus.subscribe(options);
  }

  isHealthy(): Promise<boolean> {
    return this.bus.isHealthy();
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

/**
 * Runs `work` inside a new active span that continues the given producer
 * contexts (spanRelation: one → child of it, several → linked), records its
 * failure, and ends it. Services call this rather than the OpenTelemetry API,
 * so every span goes through the kit's API instance.
 */
export function inSpanOf<T>(
  name: string,
  producers: readonly (SpanContext | undefined)[],
  attributes: Attributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const { parent, links } = spanRelation(producers);
  // Without one producer to continue, a new trace (linked to the producers), not whatever context the loop runs in.
  return tracer.startActiveSpan(name, { kind, links, attributes }, parent ?? ROOT_CONTEXT, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

const tracer = trace.getTracer('accord');
