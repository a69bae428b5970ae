/**
 * Re-records the lab fixtures the cause rules are tested on: for each lab
 * flag, one order-history run with the flag on and one with it off, against
 * the target app on PGlite with probes on. Per-second histograms are dropped
 * to keep the files small (the compare reads only their counts).
 *
 *   env -u DATABASE_URL -u REDIS_URL node --import tsx --import ./target-app/register.ts \
 *     test/loadtests/compare/lab-fixtures/record.ts n_plus_one missing_index memory_leak blocking_hash:orders
 *
 * `flag:scenario:connections` picks the workload the flag slows (blocking_hash needs logins) and the
 * connections (small_pool needs more requests in flight than one connection serves); order-history and 2
 * otherwise. small_pool needs PostgreSQL: point DATABASE_URL at a schema of its own, never the shared one:
 *
 *   psql -h 127.0.0.1 -U postgres -d test -c 'CREATE SCHEMA perflab_fixtures'
 *   DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dperflab_fixtures' \
 *     node --import tsx --import ./target-app/register.ts test/loadtests/compare/lab-fixtures/record.ts small_pool:order-history:16
 *   psql -h 127.0.0.1 -U postgres -d test -c 'DROP SCHEMA perflab_fixtures CASCADE'
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, perflab, setFlags } from '../../../../target-app/demo/before-after.js';
import { DEMO_LIMITS } from '../../../../target-app/demo/serve.js';
import { loadConfig } from '../../../../target-app/config.js';
import { openDb } from '../../../../target-app/db/index.js';
import { instrumentApp } from '../../../../target-app/instrument.js';
import { startServer } from '../../../../target-app/server.js';

const flags = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const config = loadConfig({ LOG_LEVEL: 'error', ...DEMO_LIMITS, PORT: '0', ...process.env });
const { db, setupDb, instrumentation, shutdown } = instrumentApp(config, await openDb(config));
const running = await startServer({ config, db, setupDb, instrumentation });
const io = { log: (l: string) => process.stdout.write(l + '\n'), signal: new AbortController().signal };
const tmp = await mkdtemp(join(tmpdir(), 'perflab-lab-'));
try {
  const token = await adminToken(running.url, config.adminPassword);
  for (const arg of flags) {
    const [flag = arg, scenario = 'order-history', connections = '2'] = arg.split(':');
    for (const [side, on] of [
      ['before', true],
      ['after', false],
    ] as const) {
      await setFlags(running.url, token, on, [flag]);
      const out = join(tmp, `${flag}-${side}`);
      const args = ['run', scenario, '-t', running.url, '-c', connections, '-d', '4s', '-w', '1s'];
      const code = await perflab(
        [...args, '--scrape-interval', '1s', '--out', out, '--no-report', '-q'],
        io,
        `${flag} ${side}: `,
        'drop',
      );
      if (code !== 0) throw new Error(`${flag} ${side}: perflab run exited ${code}`);
      const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as {
        series: { histogram: string }[];
      };
      for (const p of result.series) p.histogram = '';
      await writeFile(join(here, `${flag}-${side}.json`), JSON.stringify(result) + '\n');
      io.log(`${flag} ${side}: recorded`);
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
  await running.close();
  await db.close();
  await shutdown();
}
