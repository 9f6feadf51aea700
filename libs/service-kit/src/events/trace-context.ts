import { context, propagation, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api';
import type {
  EventBus,
  LogMessage,
  OutgoingMessage,
  PublishResult,
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
 * How a batch's consumer span relates to its messages' producers: one
 * message → its producer is the parent; several → links to each distinct
 * one (a block carries many txs, each from its own trace).
 */
export function batchTraceRelation(messages: readonly Pick<LogMessage, 'headers'>[]): {
  readonly parent: Context | undefined;
  readonly links: Link[];
} {
  const contexts = messages.map(messageSpanContext).filter((s): s is SpanContext => s !== undefined);
  const distinct = [...new Map(contexts.map((s) => [`${s.traceId}/${s.spanId}`, s])).values()];
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

  read(topic: string, fromOffset: number, max: number): Promise<LogMessage[]> {
    return this.bus.read(topic, fromOffset, max);
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
