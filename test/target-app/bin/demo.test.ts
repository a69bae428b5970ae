import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'perflab-demo-'));
// The demo on PGlite whatever services CI has: it is what a fresh clone runs.
const env: NodeJS.ProcessEnv = { ...process.env, PERFLAB_DATA_DIR: join(dir, 'data') };
delete env.DATABASE_URL;
delete env.REDIS_URL;
delete env.NATS_URL;

const ARTIFACTS = '.artifacts/demo';
mkdirSync(ARTIFACTS, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './target-app/register.ts', 'target-app/bin/demo.ts', ...args],
      { env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('runs before and after on PGlite, prints verdicts with a cause, and writes the reports', async () => {
    // A small seed first, so the test does not wait for the default 50,000 orders.
    const seed = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'target-app/bin/seed.ts', '--users', '20', '--products', '50', '--orders', '600'],
      { env, encoding: 'utf8' },
    );
    expect(seed.status, seed.stderr).toBe(0);
    const out = join(dir, 'reports');
    const r = await demo(['--runs', '5', '--duration', '1s', '--warmup', '0s', '--out', out]);
    writeFileSync(join(ARTIFACTS, 'demo-output.txt'), r.stdout + r.stderr);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/before: n_plus_one=true, missing_index=true \(PUT \/api\/admin\/flags\)/);
    expect(r.stdout).toMatch(/after: n_plus_one=false, missing_index=false/);
    expect(r.stdout).toMatch(/run 5 of 5/);
    expect(r.stdout).toMatch(/orders\.list: improved\n\s+why: fewer queries per request/);
    expect(r.stdout).toContain(`HTML report: ${join(out, 'report.html')}`);
    for (const f of ['report.html', 'summary.md', 'junit.xml', 'compare.json'])
      expect(existsSync(join(out, f))).toBe(true);
    const compare = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as {
      before: { runs: number };
      after: { runs: number };
    };
    expect([compare.before.runs, compare.after.runs]).toEqual([5, 5]);
  }, 240_000);

  it('documents its options, --serve (the app alone) among them', async () => {
    const r = await demo(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--serve\s+only start the app/);
  });
});
