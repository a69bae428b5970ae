import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { MICRO_CONFIGS } from '../../bench/lib/micro-configs.js';
import { nextMessage, stop } from '../../bench/lib/pinned.js';

// bench:probes-micro is only worth its figures if every configuration starts,
// resolves the fake route (the child checks) and runs requests when asked.
const children: ChildProcess[] = [];
afterAll(() => Promise.all(children.map((c) => stop(c))));

/** The micro-benchmark child for one configuration, with IPC and stderr piped. */
function child(env: Record<string, string>): ChildProcess {
  const c = fork('bench/probes-micro-child.ts', [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(c);
  return c;
}

describe('bench:probes-micro child', () => {
  it.each(MICRO_CONFIGS)('runs the %s configuration and reports its CPU per request', async (config) => {
    const c = child({ BENCH_MICRO_CONFIG: config });
    await nextMessage(c); // ready: warmed up and the route resolved
    c.send({ ms: 50 });
    const r = await nextMessage<{ requests: number; cpuMicros: number }>(c);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.cpuMicros).toBeGreaterThan(0);
  });

  it('paces requests in bursts of 5 when BENCH_PACED=1', async () => {
    const c = child({ BENCH_MICRO_CONFIG: 'full', BENCH_PACED: '1' });
    await nextMessage(c);
    c.send({ ms: 60 });
    const r = await nextMessage<{ requests: number; cpuMicros: number }>(c);
    // At least one 5 ms pause per burst: far fewer requests than back to back, in whole bursts.
    expect(r.requests % 5).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.requests).toBeLessThanOrEqual(5 * Math.ceil(60 / 5) + 5);
  });

  it('samples every span unless OTEL_TRACES_SAMPLER says otherwise, and reports its sampler', async () => {
    const all = child({ BENCH_MICRO_CONFIG: 'full' });
    const ratio = child({
      BENCH_MICRO_CONFIG: 'full',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    const [a, r] = await Promise.all([
      nextMessage<{ sampler: string }>(all),
      nextMessage<{ sampler: string }>(ratio),
    ]);
    expect(a.sampler).toBe('AlwaysOnSampler');
    expect(r.sampler).toContain('TraceIdRatioBased{0.1}');
  });

  it('refuses a sampler setting the SDK would fall back from, naming it', async () => {
    const c = child({
      BENCH_MICRO_CONFIG: 'full',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '2',
    });
    let stderr = '';
    c.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(c, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toContain('OTEL_TRACES_SAMPLER_ARG="2" is not a ratio in [0, 1]');
  });

  it('refuses an unknown configuration, naming the valid ones', async () => {
    const c = child({ BENCH_MICRO_CONFIG: 'fastest' });
    let stderr = '';
    c.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(c, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toContain(`BENCH_MICRO_CONFIG must be one of ${MICRO_CONFIGS.join(', ')}`);
  });
});
