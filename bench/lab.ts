/**
 * `npm run lab`: every optimization-lab flag's workload with the flag off and
 * on, against the target app in a child process, and docs/lab-results.md from
 * what it measured. DATABASE_URL selects PostgreSQL (a schema of its own,
 * dropped at the end); PGlite otherwise. Bounded: 3 rounds × 2 states × the
 * phase length per flag (about 10 minutes in all with the defaults).
 *   LAB_ONLY=n_plus_one,missing_index   some flags only
 *   LAB_PHASE_MS (6000), LAB_WARMUP_MS (1000), LAB_ROUNDS (3)
 *   LAB_OUT (docs/lab-results.md)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET, DEV_SEED_PASSWORD } from '../target-app/config.js';
import { configureCursorSecret } from '../target-app/http/cursor.js';
import { ADMIN_EMAIL } from '../target-app/seed.js';
import { parseFlagList, type FlagName } from '../target-app/flags/index.js';
import { formatLabResults, type LabRow } from './lab/format-lab.js';
import { startLabTarget } from './lab/lab-target.js';
import { prepareLabData, runWorkload, type LabOptions } from './lab/run-lab.js';
import { UNMEASURED, WORKLOADS } from './lab/workloads.js';
import { envInt } from './lib/env.js';

async function main(): Promise<void> {
  let only: FlagName[];
  try {
    only = parseFlagList(process.env.LAB_ONLY);
  } catch (err) {
    console.error((err as Error).message.replace('PERFLAB_FLAGS', 'LAB_ONLY'));
    process.exit(2);
  }
  const options: LabOptions = {
    rounds: envInt('LAB_ROUNDS', 3, 1, 10),
    phaseMs: envInt('LAB_PHASE_MS', 6_000, 1_000, 120_000),
    warmupMs: envInt('LAB_WARMUP_MS', 1_000, 0, 60_000),
    heavyOrders: envInt('LAB_HEAVY_ORDERS', 30_000, 0, 1_000_000),
    seedPassword: process.env.PERFLAB_SEED_PASSWORD ?? DEV_SEED_PASSWORD,
    adminPassword: process.env.PERFLAB_ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD,
    log: (line) => console.log(line),
  };
  // The deep-page workload sends an offset cursor of its own making: it is
  // signed with the key the target derives from the same secret.
  configureCursorSecret(process.env.PERFLAB_JWT_SECRET ?? DEV_JWT_SECRET);
  const out = process.env.LAB_OUT ?? 'docs/lab-results.md';
  // The code measured is the code at the start, whatever is committed while it runs.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  console.log(
    `lab: starting the target app on ${databaseUrl ? 'PostgreSQL' : 'PGlite'} (it seeds the default data set)`,
  );
  const target = await startLabTarget(databaseUrl);
  // Ctrl-C (or a timeout's SIGTERM) still stops the app and drops its schema.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void target.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const rows: LabRow[] = [];
  const skipped: { flag: FlagName; why: string }[] = [...UNMEASURED];
  try {
    const serverVersion = target.sql
      ? (await target.sql.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v
      : undefined;
    const data = await prepareLabData(target, options);
    console.log(`lab: deep page at offset ${data.deepOffset}`);
    const admin = await fetch(`${target.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: options.adminPassword }),
    }).then(async (r) => ((await r.json()) as { token: string }).token);
    for (const w of WORKLOADS) {
      if (only.length > 0 && !only.includes(w.flag)) continue;
      if (w.postgresOnly && target.db !== 'postgres') {
        skipped.push({ flag: w.flag, why: 'PostgreSQL only; this run used PGlite' });
        continue;
      }
      console.log(`lab: ${w.flag} (${w.requests}, ${w.rate}/s)`);
      rows.push(await runWorkload(target, w, data, options, admin));
    }
    const page = formatLabResults({
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      commit,
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
        node: process.version,
        db: target.db === 'postgres' ? `PostgreSQL ${serverVersion ?? ''}`.trim() : 'PGlite',
      },
      phaseMs: options.phaseMs,
      warmupMs: options.warmupMs,
      rows,
      skipped,
    });
    writeFileSync(out, page);
    console.log(`lab: wrote ${out}`);
  } finally {
    await target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`lab failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
