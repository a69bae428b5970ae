import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../loadtests/cli/main.js';
import {
  formatRemoteWriteReport,
  RemoteWriteOutput,
  type RemoteWriteReport,
} from '../../../loadtests/outputs/remote-write/remote-write-output.js';
import { run } from '../../../loadtests/run.js';
import type { RunResult } from '../../../loadtests/types.js';
import { captureIo } from '../helpers/capture-io.js';
import fast from '../helpers/fast-scenario.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// A receiver that fails a push in each way it can (an error status, nothing
// listening, no answer at all): every push is counted as failed, the run
// completes, and the end-of-run line says why.

let target: TestServer;

beforeAll(async () => {
  target = await startTestServer();
});

afterAll(async () => {
  await target?.close();
});

/** A receiver on 127.0.0.1 answering each push with `handler`; `pushes` counts what arrived. */
async function receiver(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const state = { pushes: 0 };
  const server = createServer((req, res) => {
    state.pushes++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A write URL on a port nothing listens on: taken from the OS, then let go. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/api/v1/write`;
}

/** A short closed-model run with `output` attached; counts the run's ticks too. */
async function runWith(
  output: RemoteWriteOutput,
  durationMs: number,
): Promise<{ result: RunResult; report: RemoteWriteReport; ticks: number; closeMs: number }> {
  const loadRun = run({
    target: target.url,
    scenario: fast,
    model: { kind: 'closed', connections: 2 },
    durationMs,
    scrape: false,
  });
  output.attach(loadRun);
  let ticks = 0;
  loadRun.on('tick', () => ticks++);
  const result = await loadRun.finished;
  const closing = performance.now();
  const report = await output.close();
  return { result, report, ticks, closeMs: performance.now() - closing };
}

describe('remote write to a failing receiver', () => {
  it('counts pushes answered with an error status and never stops the run', async () => {
    const rx = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end('disk full');
    });
    try {
      const output = new RemoteWriteOutput({ url: rx.url, testid: 'failing', generator: 'g' });
      const { result, report, ticks } = await runWith(output, 1500);
      expect(result.status).toBe('complete');
      expect(result.totals.requests).toBeGreaterThan(0);
      expect(report.pushes).toBeGreaterThanOrEqual(2);
      // One push per tick at most (none while one is in flight), and the final one.
      expect(report.pushes).toBeLessThanOrEqual(ticks + 1);
      expect(report.failed).toBe(report.pushes);
      expect(rx.state.pushes).toBe(report.pushes);
      expect(report.lastError).toBe('HTTP 500: disk full');
      expect(formatRemoteWriteReport(report)).toContain(`${report.failed} failed, last: HTTP 500: disk full`);
    } finally {
      await rx.close();
    }
  }, 30_000);

  it('counts a refused connection (nothing listening) as a failed push, once per tick', async () => {
    const output = new RemoteWriteOutput({ url: await closedPortUrl(), testid: 'refused', generator: 'g' });
    const { result, report, ticks } = await runWith(output, 2500);
    expect(result.status).toBe('complete');
    expect(result.totals.requests).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThanOrEqual(2);
    // A refusal comes back at once, so no tick finds a push still in flight.
    expect(report.pushes).toBe(ticks + 1);
    expect(report.failed).toBe(report.pushes);
    expect(report.lastError).toBe('fetch failed (ECONNREFUSED)');
    expect(report.requests).toBe(0); // no push ever landed
  }, 30_000);

  it('gives up on a receiver that never answers after the push timeout, and the run goes on', async () => {
    const held: ServerResponse[] = [];
    const rx = await receiver((_req, res) => void held.push(res));
    const timeoutMs = 300;
    try {
      const output = new RemoteWriteOutput({ url: rx.url, testid: 'silent', generator: 'g', timeoutMs });
      const { result, report, ticks, closeMs } = await runWith(output, 2500);
      expect(result.status).toBe('complete');
      expect(result.totals.requests).toBeGreaterThan(0);
      expect(report.pushes).toBeGreaterThanOrEqual(2);
      expect(report.pushes).toBeLessThanOrEqual(ticks + 1);
      expect(report.failed).toBe(report.pushes);
      expect(report.lastError).toBe(`timed out after ${timeoutMs} ms`);
      expect(rx.state.pushes).toBe(report.pushes);
      // At most the push in flight and the final one, each cut at 300 ms: far
      // below the 5 s default, so the option is what bounds them.
      expect(closeMs).toBeLessThan(2500);
    } finally {
      await rx.close();
    }
  }, 30_000);

  it('refuses a push timeout that is not a positive number', () => {
    expect(() => new RemoteWriteOutput({ url: 'http://127.0.0.1:9/w', testid: 't', timeoutMs: 0 })).toThrow(
      /option "timeoutMs"/,
    );
    expect(
      () => new RemoteWriteOutput({ url: 'http://127.0.0.1:9/w', testid: 't', timeoutMs: Number.NaN }),
    ).toThrow(/option "timeoutMs"/);
  });

  it('perflab run --prometheus-rw to a closed port exits 0 and reports the failed pushes', async () => {
    const url = await closedPortUrl();
    const out = mkdtempSync(join(tmpdir(), 'perflab-rw-fail-'));
    try {
      const io = captureIo();
      const code = await main(
        [
          'run',
          `${target.url}/fast`,
          '-d',
          '1500ms',
          '-c',
          '2',
          '--prometheus-rw',
          url,
          '--out',
          out,
          '--quiet',
        ],
        io,
      );
      const stderr = io.stderr.join('\n');
      expect(code, stderr).toBe(0);
      const line = stderr.split('\n').find((l) => l.startsWith('remote write:'));
      expect(line).toMatch(
        new RegExp(
          `^remote write: 0/(\\d+) pushes to ${url.replace(/[.]/g, '\\.')} \\(testid [^,]+, generator [^)]+\\); \\1 failed, last: fetch failed \\(ECONNREFUSED\\)$`,
        ),
      );
      // The run itself was untouched: complete, its summary printed and result.json written.
      expect(io.stdout.join('\n')).toMatch(/, complete → /);
      expect(io.stdout.join('\n')).toMatch(/^TOTAL +[1-9]/m);
      expect(existsSync(join(out, 'result.json'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);
});
