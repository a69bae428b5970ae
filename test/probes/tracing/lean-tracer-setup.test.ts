import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { LeanTracer, samplerFromEnv } from '../../../probes/tracing/lean-tracer.js';

// How LeanTracer is set up: its sampler from the environment, and what it
// makes with no span processor at all.

const resource = resourceFromAttributes({ 'service.name': 'lean-tracer-test' });
const SCOPE = 'perflab-probes';

describe('samplerFromEnv', () => {
  const build = (env: Record<string, string>) => {
    const warnings: string[] = [];
    return { sampler: samplerFromEnv(env, (m) => warnings.push(m)).toString(), warnings };
  };

  it('builds what the SDK builds for each OTEL_TRACES_SAMPLER', () => {
    expect(build({}).sampler).toBe(new ParentBasedSampler({ root: new AlwaysOnSampler() }).toString());
    expect(build({ OTEL_TRACES_SAMPLER: 'always_on' }).sampler).toBe('AlwaysOnSampler');
    expect(build({ OTEL_TRACES_SAMPLER: 'always_off' }).sampler).toBe('AlwaysOffSampler');
    expect(build({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).sampler).toBe(
      'TraceIdRatioBased{0.25}',
    );
    expect(
      build({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).sampler,
    ).toContain('root=TraceIdRatioBased{0.1}');
    expect(build({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }).sampler).toContain(
      'root=AlwaysOffSampler',
    );
  });

  it('falls back with a warning on an unknown sampler or a bad ratio', () => {
    const unknown = build({ OTEL_TRACES_SAMPLER: 'jaeger_remote' });
    expect(unknown.sampler).toContain('root=AlwaysOnSampler');
    expect(unknown.warnings[0]).toMatch(/OTEL_TRACES_SAMPLER="jaeger_remote"/);
    const bad = build({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' });
    expect(bad.sampler).toBe('TraceIdRatioBased{1}');
    expect(bad.warnings[0]).toMatch(/OTEL_TRACES_SAMPLER_ARG="2"/);
  });
});

describe('LeanTracer without span processors', () => {
  it('makes sampled but non-recording spans: ids for exemplars and logs, nothing recorded', () => {
    const tracer = new LeanTracer({
      resource,
      instrumentationScope: { name: SCOPE },
      processors: [],
      sampler: new AlwaysOnSampler(),
    });
    const server = tracer.startSpan('GET', { kind: SpanKind.SERVER });
    expect(server.isRecording()).toBe(false);
    expect(server.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    expect(trace.isSpanContextValid(server.spanContext())).toBe(true);
    const child = tracer.startSpan('SELECT orders', {}, trace.setSpan(ROOT_CONTEXT, server));
    expect(child.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(child.spanContext().spanId).not.toBe(server.spanContext().spanId);
    child.setAttribute('db.query.text', 'SELECT 1').end();
    server.end();
  });
});
