import { describe, expect, it } from 'vitest';
import { createProbes } from '../../../probes/index.js';
import { LogSink } from '../helpers/probe-harness.js';

describe('cache instrument', () => {
  it('counts hits and misses by cache name, with a bounded number of names', async () => {
    const probes = createProbes({
      serviceName: 'cache',
      logDestination: new LogSink(),
      memoryIntervalMs: 0,
      defaultMetrics: false,
    });
    probes.cache.hit('products');
    probes.cache.hit('products');
    probes.cache.miss('products');
    probes.cache.record('sessions', false);
    expect(await probes.cache.wrap('users', async () => ({ id: 1 }))).toEqual({ id: 1 });
    expect(await probes.cache.wrap('users', async () => undefined)).toBeUndefined();
    for (let i = 0; i < 100; i++) probes.cache.hit(`dynamic-${i}`);
    const text = await probes.registry.metrics();
    expect(text).toContain('perflab_cache_hits_total{cache_name="products"} 2');
    expect(text).toContain('perflab_cache_misses_total{cache_name="products"} 1');
    expect(text).toContain('perflab_cache_misses_total{cache_name="sessions"} 1');
    expect(text).toContain('perflab_cache_hits_total{cache_name="users"} 1');
    expect(text).toContain('perflab_cache_misses_total{cache_name="users"} 1');
    expect(text).toMatch(/perflab_cache_hits_total\{cache_name="other"\} \d+/);
    expect(
      text.split('\n').filter((l) => l.startsWith('perflab_cache_hits_total{')).length,
    ).toBeLessThanOrEqual(51);
    await probes.shutdown();
  });
});
