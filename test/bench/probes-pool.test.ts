import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../bench/lib/paired.js';

const dir = mkdtempSync(join(tmpdir(), 'perflab-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pool(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/probes-pool.ts', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const run = (name: string, round: number, rps: number): Sample => ({
  name,
  round,
  rps,
  requests: rps * 5,
  cpuUsPerReq: 1e6 / rps,
  p50Ms: 30,
  p90Ms: 40,
  p99Ms: 60,
  errors: 0,
});

function output(file: string, ratios: number[]): string {
  const samples = ratios.flatMap((r, i) => [
    run('target bare', i + 1, 1000),
    run('target full', i + 1, 1000 * r),
    run('target bare', i + 1, 1000),
  ]);
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ at: 'x', samples }));
  return path;
}

describe('npm run bench:probes-pool', () => {
  it('prints one table over the runs of several outputs', () => {
    const r = pool(output('a.json', [0.88, 0.9, 0.92]), output('b.json', [0.91, 0.93]));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '### Target app order history (GET /api/orders?limit=20), pooled: 15 runs from 2 file(s)',
    );
    // Median of the five ratios, with their interval.
    expect(r.stdout).toMatch(
      /\| target full \| \d+ \| [\d.]+ \| [-\d.]+ \([-\d]+ to [-\d]+\) \| 0\.91x \(0\.88-0\.93\) \| 0\.\d{3}-0\.\d{3}x \|/,
    );
  });

  it('exits 2 with a message naming the problem', () => {
    const none = pool();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^usage: npm run bench:probes-pool/);
    const missing = pool(join(dir, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, 'nope.json')}: cannot read it (ENOENT)\n`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"trivial": []}');
    expect(pool(bad).stderr).toMatch(/bad\.json: no "samples" array/);
  });
});
