import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { embeddedEnv, killAllTargets, spawnTarget, waitReady } from './helpers/target-process.js';

// A worker run apart (`--service payments`, the compose shape) has no API,
// but it is a process of its own: it must answer health checks and serve its
// metrics, the bus figures among them, or nothing could watch it.

const READY_MS = 90_000;
const dir = mkdtempSync(join(tmpdir(), 'perflab-worker-'));

afterAll(async () => {
  await killAllTargets();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run target -- --mode services --service <worker>', () => {
  it.each(['payments', 'inventory'])(
    '%s apart serves /healthz, /readyz and its /metrics, and exits 0 on SIGTERM',
    async (name) => {
      const env = embeddedEnv(join(dir, name), { PAYMENTS_PORT: '0', INVENTORY_PORT: '0' });
      const t = spawnTarget(['--mode', 'services', '--service', name], env);
      const urls = await t.announced;
      // The worker alone: no HTTP service beside it.
      expect(Object.keys(urls)).toEqual([name]);
      const url = urls[name] as string;
      await waitReady(t, url, READY_MS);

      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', service: name });
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
        status: 'ready',
        service: name,
        db: 'pglite',
      });
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      // Apart, the worker is the process's first service: the bus figures are in its registry.
      for (const family of [N.BUS_CONSUMER_LAG, N.BUS_REDELIVERIES, N.BUS_DEAD_LETTERS])
        expect(text).toMatch(new RegExp(`^# TYPE ${family} `, 'm'));
      // And its probes' own, under its service name.
      expect(text).toMatch(/^process_cpu_user_seconds_total\b/m);
      // No API: anything else is the JSON 404 of every service.
      expect((await fetch(`${url}/api/orders`)).status).toBe(404);

      t.proc.kill('SIGTERM');
      expect(await t.exited).toBe(0);
    },
    180_000,
  );
});
