import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { MICRO_CONFIGS } from '../../bench/lib/micro-configs.js';

// bench:probes-micro is only worth its figures if every configuration starts,
// resolves the fake route (the child checks) and runs requests when asked.
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null) return;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }),
  );
});

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`child exited with ${String(code)}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

describe('bench:probes-micro child', () => {
  it.each(MICRO_CONFIGS)('runs the %s configuration and reports its CPU per request', async (config) => {
    const child = fork('bench/probes-micro-child.ts', [], {
      env: { ...process.env, BENCH_MICRO_CONFIG: config },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    await next(child); // ready: warmed up and the route resolved
    child.send({ ms: 50 });
    const r = await next<{ requests: number; cpuMicros: number }>(child);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.cpuMicros).toBeGreaterThan(0);
  });

  it('paces requests in bursts of 5 when BENCH_PACED=1', async () => {
    const child = fork('bench/probes-micro-child.ts', [], {
      env: { ...process.env, BENCH_MICRO_CONFIG: 'full', BENCH_PACED: '1' },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    await next(child);
    child.send({ ms: 60 });
    const r = await next<{ requests: number; cpuMicros: number }>(child);
    // At least one 5 ms pause per burst: far fewer requests than back to back, in whole bursts.
    expect(r.requests % 5).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.requests).toBeLessThanOrEqual(5 * Math.ceil(60 / 5) + 5);
  });

  it('refuses an unknown configuration, naming the valid ones', async () => {
    const child = fork('bench/probes-micro-child.ts', [], {
      env: { ...process.env, BENCH_MICRO_CONFIG: 'fastest' },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toContain('BENCH_MICRO_CONFIG must be one of bare, metrics, spans, full, full-json');
  });
});
