import { createContextKey, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { contextWithSpan } from '../../../probes/http/request-state.js';

const span = trace.wrapSpanContext({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
}) as Span;
const other = trace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
}) as Span;
const KEY = createContextKey('perflab.test.key');

describe('contextWithSpan', () => {
  it('reads like trace.setSpan(parent, span)', () => {
    const parent = trace.setSpan(ROOT_CONTEXT, other).setValue(KEY, 'from the parent');
    const ctx = contextWithSpan(parent, span);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpanContext(ctx)).toBe(span.spanContext());
    expect(ctx.getValue(KEY)).toBe('from the parent');
    expect(trace.getSpan(parent)).toBe(other); // the parent is not changed
  });

  it('becomes an ordinary context when a value is set or deleted, keeping the span', () => {
    const ctx = contextWithSpan(ROOT_CONTEXT, span);
    const set = ctx.setValue(KEY, 1);
    expect(set.getValue(KEY)).toBe(1);
    expect(trace.getSpan(set)).toBe(span);
    expect(ctx.getValue(KEY)).toBeUndefined(); // contexts are immutable
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
    expect(trace.getSpan(ctx)).toBe(span);
    const replaced = trace.setSpan(ctx, other);
    expect(trace.getSpan(replaced)).toBe(other);
    expect(replaced.deleteValue(KEY).getValue(KEY)).toBeUndefined();
  });
});
