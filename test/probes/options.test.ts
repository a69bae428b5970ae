import { describe, expect, it } from 'vitest';
import { PerflabError } from '../../common/perflab-error.js';
import { resolveOptions } from '../../probes/options.js';

describe('resolveOptions', () => {
  it('fills documented defaults', () => {
    const o = resolveOptions({ serviceName: 'svc' }, {});
    expect(o).toMatchObject({
      serviceName: 'svc',
      tracing: undefined,
      context: undefined, // follows startTracing, else async-local-storage
      slowRequestSeconds: 1,
      slowQuerySeconds: 0.1,
      logLevel: 'info',
      accessLog: false,
      memoryIntervalMs: 60_000,
      defaultMetrics: true,
      exemplars: true,
    });
    expect([...o.ignorePaths]).toEqual(['/metrics']);
    expect(o.heapThresholdBytes).toBeGreaterThan(0);
  });

  it('reads environment variables, with explicit options winning', () => {
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      PERFLAB_SLOW_REQUEST_MS: '250',
      PERFLAB_SLOW_QUERY_MS: '5',
      LOG_LEVEL: 'debug',
      PERFLAB_TRACING: 'off',
      PERFLAB_CONTEXT: 'explicit',
      PERFLAB_ACCESS_LOG: 'true',
      PERFLAB_MEMORY_INTERVAL_MS: '0',
      PERFLAB_HEAP_THRESHOLD_BYTES: '1000',
    };
    expect(resolveOptions({}, env)).toMatchObject({
      serviceName: 'from-env',
      slowRequestSeconds: 0.25,
      slowQuerySeconds: 0.005,
      logLevel: 'debug',
      tracing: 'off',
      context: 'explicit',
      accessLog: true,
      memoryIntervalMs: 0,
      heapThresholdBytes: 1000,
    });
    expect(resolveOptions({ serviceName: 'explicit', slowQueryMs: 7 }, env)).toMatchObject({
      serviceName: 'explicit',
      slowQuerySeconds: 0.007,
    });
  });

  it.each([
    [{}, /option "serviceName" must be a non-empty string/],
    [
      { serviceName: 'x', slowQueryMs: -1 },
      /option "slowQueryMs" must be a finite number >= 0, got number -1/,
    ],
    [
      { serviceName: 'x', slowRequestMs: '5' },
      /option "slowRequestMs" must be a finite number >= 0, got "5"/,
    ],
    [{ serviceName: 'x', tracing: 'full' }, /option "tracing" must be one of lean, auto, off/],
    [{ serviceName: 'x', logLevel: 'loud' }, /option "logLevel" must be one of/],
    [
      { serviceName: 'x', context: 'zone' },
      /option "context" must be one of async-local-storage, explicit, got "zone"/,
    ],
    [{ serviceName: 'x', redact: 'password' }, /option "redact" must be an array of non-empty strings/],
    [{ serviceName: 'x', ignorePaths: ['metrics'] }, /option "ignorePaths" must be an array of paths/],
    [{ serviceName: 'x', onRequest: 1 }, /option "onRequest" must be a function/],
    [{ serviceName: 'x', exemplars: 'yes' }, /option "exemplars" must be a boolean/],
    [{ serviceName: 'x', registry: {} }, /option "registry" must be a prom-client Registry/],
    [{ serviceName: 'x', logDestination: 1.5 }, /option "logDestination" must be a stream/],
  ])('rejects %o', (input, message) => {
    const run = () => resolveOptions(input, {});
    expect(run).toThrow(PerflabError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as PerflabError).code).toBe('PERFLAB_E_PROBES_OPTION');
    }
  });

  it('rejects an unknown option by name', () => {
    expect(() => resolveOptions({ serviceName: 'x', slowQueryMS: 5 }, {})).toThrow(
      /unknown option "slowQueryMS"/,
    );
  });

  it('names a bad environment variable', () => {
    expect(() => resolveOptions({ serviceName: 'x' }, { PERFLAB_SLOW_QUERY_MS: 'soon' })).toThrow(
      /option "PERFLAB_SLOW_QUERY_MS" must be a finite number >= 0, got "soon"/,
    );
    expect(() => resolveOptions({ serviceName: 'x' }, { PERFLAB_ACCESS_LOG: 'maybe' })).toThrow(
      /PERFLAB_ACCESS_LOG/,
    );
    expect(() => resolveOptions({ serviceName: 'x' }, { PERFLAB_CONTEXT: 'als' })).toThrow(
      /option "PERFLAB_CONTEXT" must be one of async-local-storage, explicit, got "als"/,
    );
  });
});
