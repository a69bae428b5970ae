import { fork, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { nextMessage, stop } from '../../bench/lib/pinned.js';
import type { Slice } from '../../bench/lib/slices.js';

// bench:probes-toggle is only worth its figure if its server really switches:
// requests in "on" slices go through the probes, those in "off" slices and in
// a control run do not.
const children: ChildProcess[] = [];
afterAll(() => Promise.all(children.map((c) => stop(c))));

async function slicesOf(control: boolean, env: Record<string, string> = {}): Promise<Slice[]> {
  const child = fork('bench/probes-toggle-server.ts', [], {
    env: {
      ...process.env,
      BENCH_DATABASE_URL: '', // embedded PGlite: a schema of its own is not needed
      BENCH_CONTROL: control ? '1' : '0',
      BENCH_SLICES: '4',
      BENCH_SLICE_MS: '250',
      BENCH_LOG_FILE: '/dev/null',
      ...env,
    },
    execArgv: ['--import', 'tsx', '--import', './target-app/register.ts'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const ready = await nextMessage<{ url: string; path: string; headers: Record<string, string> }>(child);
  const done = nextMessage<{ slices: Slice[] }>(child);
  let finished = false;
  void done.then(() => (finished = true));
  // A bounded load: one request at a time until the slices are in.
  for (let i = 0; i < 5000 && !finished; i++) {
    let status: number;
    try {
      const res = await fetch(ready.url + ready.path, { headers: ready.headers });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      // The server closes its connections once it has sent the slices, which
      // can cut a response off before or in its body; any other failure
      // leaves `done` rejected (the child exited) or pending.
      await done;
      break;
    }
    expect(status).toBe(200);
  }
  return (await done).slices;
}

describe('bench:probes-toggle server', () => {
  it('switches between the bare app and the fully probed one every slice', async () => {
    const slices = await slicesOf(false);
    expect(slices.map((s) => s.on)).toEqual([false, true, false, true]);
    for (const s of slices) {
      expect(s.requests).toBeGreaterThan(0);
      expect(s.cpuMicros).toBeGreaterThan(0);
    }
    // One request at a time: a request ends in the slice it started in, or the next.
    expect(slices[0]!.probed).toBe(0);
    expect(slices[1]!.probed).toBeGreaterThan(0);
    expect(slices[2]!.probed).toBeLessThanOrEqual(1);
    expect(slices[3]!.probed).toBeGreaterThan(0);
  });

  it('switches to metrics and logs alone with PERFLAB_TRACING=off', async () => {
    const slices = await slicesOf(false, { PERFLAB_TRACING: 'off' });
    expect(slices.map((s) => s.on)).toEqual([false, true, false, true]);
    expect(slices[0]!.probed).toBe(0);
    expect(slices[1]!.probed).toBeGreaterThan(0);
  });

  it('serves both sides bare in a control run', async () => {
    const slices = await slicesOf(true);
    expect(slices).toHaveLength(4);
    expect(slices.every((s) => s.probed === 0 && s.requests > 0)).toBe(true);
  });
});
