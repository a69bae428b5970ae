import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from '@opentelemetry/semantic-conventions/incubating';
import type { DomainEvent } from './types.js';

// Explicit propagation: the services run without a context manager (as the
// target app does), so the trace travels in the event, never in async context.
const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Record<string, string>> = {
  keys: (c) => Object.keys(c),
  get: (c, k) => c[k],
};

/** The traceparent that makes `span` the parent of whatever carries it. */
export function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, {
    set: (c, k, v) => {
      c[k] = v;
    },
  });
  return carrier.traceparent;
}

/**
 * A CONSUMER span for one event, child of the span that caused it (the
 * event's traceparent), named and attributed per the messaging semantic
 * conventions. `tracerName` is the service, so the span says who consumed.
 */
export function startConsumerSpan(
  tracerName: string,
  system: string,
  consumer: string,
  event: DomainEvent,
): Span {
  const parent = event.traceparent
    ? propagator.extract(ROOT_CONTEXT, { traceparent: event.traceparent }, getter)
    : ROOT_CONTEXT;
  return trace.getTracer(tracerName).startSpan(
    `process ${event.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [ATTR_MESSAGING_SYSTEM]: system,
        [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
        [ATTR_MESSAGING_DESTINATION_NAME]: event.type,
        [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: consumer,
        [ATTR_MESSAGING_MESSAGE_ID]: event.id,
      },
    },
    parent,
  );
}

export function endSpan(span: Span, err?: unknown): void {
  if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
  span.end();
}
