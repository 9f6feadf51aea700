import { propagation, trace, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { messageSpanContext, spanRelation, traceHeaders } from './trace-context';

const span = (traceId: string, spanId: string): SpanContext => ({ traceId, spanId, traceFlags: 1 });
const a = span('a'.repeat(32), '1'.repeat(16));
const b = span('b'.repeat(32), '2'.repeat(16));

describe('trace context across the log', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('reads back the W3C context a message was published under, and nothing from a message without one', () => {
    const headers = { traceparent: `00-${a.traceId}-${a.spanId}-01` };
    expect(messageSpanContext({ headers })).toMatchObject({ traceId: a.traceId, spanId: a.spanId });
    expect(messageSpanContext({ headers: {} })).toBeUndefined();
    expect(messageSpanContext({ headers: { traceparent: 'garbage' } })).toBeUndefined();
  });

  it('continues the one producer as parent, and links several (a block of many requests)', () => {
    const one = spanRelation([a, undefined, a]);
    expect(one.links).toEqual([]);
    expect(trace.getSpanContext(one.parent!)).toMatchObject({ traceId: a.traceId, spanId: a.spanId });
    const many = spanRelation([a, b, a]);
    expect(many.parent).toBeUndefined();
    expect(many.links.map((l) => l.context.spanId)).toEqual([a.spanId, b.spanId]);
    expect(spanRelation([undefined])).toEqual({ parent: undefined, links: [] });
  });

  it('injects nothing when no span is active', () => {
    expect(traceHeaders()).toEqual({});
  });
});
