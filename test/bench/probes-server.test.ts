import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstJsonLine, stop } from '../../bench/lib/pinned.js';

// The target-app servers of bench:probes. A row's figure only means what its
// name says if the server is wired as named, and a server stopped under load
// must not leave errors behind in the log the probes write.
const dir = mkdtempSync(join(tmpdir(), 'perflab-probes-server-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => stop(c)));
  rmSync(dir, { recursive: true, force: true });
});

interface Ready {
  url: string;
  path: string;
  headers: Record<string, string>;
}

async function start(variant: string, logFile: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './target-app/register.ts', 'bench/probes-server.ts'],
    {
      env: {
        ...process.env,
        BENCH_VARIANT: variant,
        // PostgreSQL where the suite has one (a schema of the server's own), else embedded PGlite.
        BENCH_DATABASE_URL: process.env.DATABASE_URL ?? '',
        BENCH_LOG_FILE: logFile,
        OTEL_TRACES_EXPORTER: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return { child, ready: await firstJsonLine<Ready>(child) };
}

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text() };
}

describe('bench:probes target servers', () => {
  it('target-idle makes the probes but serves the bare app; target-full serves it probed', async () => {
    const idle = await start('target-idle', join(dir, 'idle.log'));
    const full = await start('target-full', join(dir, 'full.log'));
    for (const { ready } of [idle, full]) {
      expect((await get(ready.url + ready.path, ready.headers)).status).toBe(200);
    }
    // Not wired: no metrics endpoint, so nothing counted the request.
    expect((await get(`${idle.ready.url}/metrics`)).status).toBe(404);
    const metrics = await get(`${full.ready.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/orders"/,
    );
  });

  it('exits cleanly on SIGTERM with requests in flight, with no error in the log', async () => {
    const logFile = join(dir, 'stop.log');
    const { child, ready } = await start('target-full', logFile);
    const inFlight = Array.from({ length: 40 }, () =>
      fetch(ready.url + ready.path, { headers: ready.headers })
        .then((r) => r.arrayBuffer())
        // Cut off by the stop, before the headers or in the middle of the body: expected.
        .catch(() => undefined),
    );
    // The first response shows the server busy with the rest.
    await Promise.race(inFlight);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    await Promise.all(inFlight);
    expect(code).toBe(0);
    // Before the fix the pool was closed under the cut-off requests' queries:
    // "Cannot use a pool after calling end on the pool", logged as errors.
    const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
    const errors = lines
      .map((l) => JSON.parse(l) as { level: number; msg?: string })
      .filter((l) => l.level >= 50);
    expect(errors).toEqual([]);
  });
});
