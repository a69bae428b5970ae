import { spawnSync } from 'node:child_process';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { metricNames as N } from '../../../probes/index.js';
import { FakeDb, listen, ownProbes } from '../helpers/probe-harness.js';

// Prometheus's own linter on a scrape with every one of our series present.
// Its warnings may only come from names we do not choose: prom-client's
// default metrics, and the semconv gauge db.client.connection.count, whose
// Prometheus name ends in `_count` (documented in docs/probes.md).

const OURS = Object.entries(N)
  .filter(([key, value]) => typeof value === 'string' && !key.startsWith('LABEL_') && /^[a-z_]+$/.test(value))
  .map(([, value]) => value as string)
  .filter((name) => name.includes('_') && !['unmatched', 'unknown', 'other'].includes(name));

describe('promtool check metrics', () => {
  it('finds nothing to say about our own metric names but the semconv _count gauge', async () => {
    const { p, w } = ownProbes('promtool', { slowRequestMs: 0, slowQueryMs: 0, defaultMetrics: true });
    const db = p.instrumentDb(new FakeDb());
    const srv = await listen(
      p.wrap((_req, res) => {
        void db.query('SELECT id FROM orders').then(() => res.end('ok'));
      }),
    );
    try {
      // As perflab's load engine, so the synthetic-traffic label is on the scrape too.
      const res = await request(`${srv.url}/x`, {
        method: 'POST',
        body: 'abc',
        headers: { 'user-agent': 'perflab/0.0.0' },
      });
      await res.body.text();
      await w.until(1);
      p.cache.hit('orders');
      p.cache.miss('orders');
      const text = await p.registry.metrics();
      for (const name of [
        N.HTTP_SERVER_SLOW_REQUESTS,
        N.DB_CLIENT_SLOW_QUERIES,
        N.CACHE_HITS,
        N.CACHE_MISSES,
      ])
        expect(text).toMatch(new RegExp(`^${name}\\{`, 'm'));
      expect(text).toContain(`${N.LABEL_USER_AGENT_SYNTHETIC_TYPE}="${N.SYNTHETIC_TEST}"`);

      const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(run.error).toBeUndefined();
      const problems = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
      expect(problems.join('\n')).not.toMatch(/error/i);
      const ours = problems.filter((line) => OURS.some((name) => line.startsWith(`${name} `)));
      expect(ours).toEqual([
        `${N.DB_CLIENT_CONNECTION_COUNT} non-histogram and non-summary metrics should not have "_count" suffix`,
      ]);
    } finally {
      await srv.close();
      await p.shutdown();
    }
  });
});
