import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'perflab-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts `npm start`'s entry point and resolves with the URL from its "listening" log line. */
function start(env: Record<string, string>) {
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './target-app/register.ts', 'target-app/main.ts'],
    {
      env: { ...rest, PORT: '0', PERFLAB_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'target app listening') resolve(String(entry.url));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  // Only awaited by tests that expect the app to come up.
  url.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, url, lines, exited, stderr: () => stderr };
}

describe('npm start (target-app/main.ts)', () => {
  it('migrates and seeds an empty embedded database, serves, and stops cleanly on SIGTERM', async () => {
    const app = start({ PERFLAB_SEED: '5' });
    const url = await app.url;
    expect(app.lines.some((l) => l.msg === 'empty database: seeding it')).toBe(true);
    const products = (await (await fetch(`${url}/api/products?limit=1`)).json()) as { items: unknown[] };
    expect(products.items).toHaveLength(1);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', db: 'pglite' });
    // The probes are wired in: the request above is counted under its route template.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/products"[^}]*\} 1/,
    );
    // Explicit context: the handler's db is bound to its request, so its query is counted there.
    expect(metrics).toMatch(
      /perflab_http_server_db_queries_per_request_sum\{[^}]*http_route="\/api\/products"[^}]*\} 1$/m,
    );
    // Migrations and seeding went through the uninstrumented database: the
    // only query series are the app's own (no INSERTs, no DDL from startup).
    const queryOps = [...metrics.matchAll(/db_client_operation_duration_seconds_count\{([^}]*)\}/g)].map(
      (m) => /db_operation_name="([^"]*)"/.exec(m[1]!)?.[1],
    );
    expect(queryOps.length).toBeGreaterThan(0);
    expect(new Set(queryOps)).toEqual(new Set(['SELECT']));
    expect(app.lines.some((l) => l.msg === 'slow query')).toBe(false);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);

    // A second start reuses the seeded data directory instead of seeding again.
    const again = start({});
    await again.url;
    expect(again.lines.find((l) => l.msg === 'target app listening')?.seeded).toBe(false);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('refuses to start in production on development defaults, naming them', async () => {
    const app = start({ NODE_ENV: 'production' });
    expect(await app.exited).toBe(2);
    expect(app.stderr()).toMatch(/PERFLAB_E_INSECURE_DEFAULT.*PERFLAB_SEED_PASSWORD/);
    expect(app.stderr()).not.toMatch(/at .*\.ts:\d+/);
  });
});
