import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult } from '../../../loadtests/result/result-file.js';
import type { TestServer } from '../helpers/test-server.js';
import { startTestServer } from '../helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const bin = new URL('../../../bin/perflab.js', import.meta.url).pathname;

describe('perflab run, interrupted', () => {
  it('on SIGINT stops, writes the partial result marked interrupted, prints its path, exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perflab-sigint-'));
    const child = spawn(
      process.execPath,
      [bin, 'run', `${server.url}/fast`, '-r', '50', '-d', '60s', '--no-scrape', '-o', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    // Interrupt once load has started (the start line) and some answers are in.
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('perflab: ') && (server.hits.get('/fast') ?? 0) > 0) resolve();
      });
      server.server.on('request', () => {
        if (stderr.includes('perflab: ')) resolve();
      });
    });
    await started;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    const path = join(dir, 'result.json');
    expect(stderr).toContain(`partial result (interrupted): ${path}`);
    const result = parseResult(JSON.parse(readFileSync(path, 'utf8')));
    expect(result.status).toBe('interrupted');
    expect(result.durationMs).toBeLessThan(60_000);
    expect(stdout).toContain('interrupted');
  });
});
