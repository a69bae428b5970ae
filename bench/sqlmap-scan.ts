/**
 * `npm run scan:sqlmap`: sqlmap (level 3, risk 2) against every input of the
 * target app's API, one sqlmap process per input, and a dated record of what
 * it found in bench/security/. The inputs come from the attack catalog the
 * security tests iterate over (test/target-app/attacks/catalog.ts), so a new
 * route or input is scanned without touching this file.
 *
 * The app runs in a child process on a schema of its own of DATABASE_URL
 * (`perflab_sqlmap`, dropped at the end), or on PGlite; rate limits are lifted
 * so sqlmap sees the app's answers, not 429s. Loopback only. Bounded: each
 * input's scan stops after SCAN_INPUT_TIMEOUT_S (3600 s).
 *   SCAN_ONLY='GET /api/products'   endpoints whose "METHOD template" contains this
 *   SCAN_PARALLEL (2)                 sqlmap processes at once
 *   SCAN_LEVEL (3), SCAN_RISK (2)
 *   SCAN_OUT (bench/security/sqlmap-<date>.md)
 *   SCAN_LOGS (a temporary folder)    where each input's sqlmap output is kept
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET, DEV_SEED_PASSWORD } from '../target-app/config.js';
import { configureCursorSecret, encodeCursor } from '../target-app/http/cursor.js';
import { ADMIN_EMAIL, customerEmail } from '../target-app/seed.js';
import { ENDPOINTS, endpointKey, type Endpoint } from '../test/target-app/attacks/catalog.js';
import { startLabTarget } from './lab/lab-target.js';
import { planScan, summarizeSqlmap, type ScanFinding } from './security/sqlmap-plan.js';
import { envInt } from './lib/env.js';

const level = envInt('SCAN_LEVEL', 3, 1, 5);
const risk = envInt('SCAN_RISK', 2, 1, 3);
const parallel = envInt('SCAN_PARALLEL', 2, 1, 4);
const timeoutS = envInt('SCAN_INPUT_TIMEOUT_S', 3600, 30, 6 * 3600);

try {
  execFileSync('sqlmap', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('sqlmap is not installed: `apt-get install sqlmap` (Debian) or see https://sqlmap.org');
  process.exit(2);
}

async function token(url: string, email: string, password: string): Promise<string> {
  const res = await request(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.body.json()) as { token?: string };
  if (!body.token) throw new Error(`login as ${email}: ${res.statusCode}`);
  return body.token;
}

async function newProduct(url: string, admin: string, n: number): Promise<number> {
  const res = await request(`${url}/api/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ name: `Scan target ${n}`, description: 'for sqlmap', priceCents: 100, stock: 10 }),
  });
  return ((await res.body.json()) as { id: number }).id;
}

/** An order of the caller's, so /api/orders/:id answers 200 before sqlmap changes it. */
async function firstOrder(url: string, token: string): Promise<number> {
  const res = await request(`${url}/api/orders?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.body.json()) as { items?: { id: number }[] };
  return body.items?.[0]?.id ?? 1;
}

function runSqlmap(
  job: { args: string[] },
  dir: string,
): Promise<{ output: string; seconds: number; timedOut: boolean }> {
  const started = Date.now();
  const child = spawn('sqlmap', [...job.args, '--output-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutS * 1000);
  return new Promise((resolve) =>
    child.once('close', () => {
      clearTimeout(timer);
      resolve({ output, seconds: (Date.now() - started) / 1000, timedOut });
    }),
  );
}

async function main(): Promise<void> {
  const only = process.env.SCAN_ONLY;
  const endpoints: Endpoint[] = ENDPOINTS.filter((e) => !only || endpointKey(e).includes(only));
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  console.log(`scan: starting the target app on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}`);
  const target = await startLabTarget(databaseUrl, 'perflab_sqlmap', {
    RATE_LIMIT_ORDER_MAX: '1000000000',
  });
  const stopOnSignal = () => void target.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const work = mkdtempSync(join(tmpdir(), 'perflab-sqlmap-'));
  const logs = process.env.SCAN_LOGS ?? work;
  mkdirSync(logs, { recursive: true });
  const findings: ScanFinding[] = [];
  const started = new Date();
  try {
    configureCursorSecret(process.env.PERFLAB_JWT_SECRET ?? DEV_JWT_SECRET);
    const seedPassword = process.env.PERFLAB_SEED_PASSWORD ?? DEV_SEED_PASSWORD;
    const adminPassword = process.env.PERFLAB_ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD;
    const jobs = planScan(endpoints, { level, risk, target: target.url });
    console.log(`scan: ${jobs.length} inputs, ${parallel} at a time, level ${level}, risk ${risk}`);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < jobs.length; i = next++) {
        const job = jobs[i]!;
        // Fresh tokens, product and cursor for each input: a scan outlives a token's 15 minutes.
        const admin = await token(target.url, ADMIN_EMAIL, adminPassword);
        const caller =
          job.caller === 'admin'
            ? admin
            : job.caller === 'customer'
              ? await token(target.url, customerEmail(1), seedPassword)
              : undefined;
        const productId = job.destructive ? await newProduct(target.url, admin, i) : 5;
        const orderId = job.caller === 'customer' ? await firstOrder(target.url, caller!) : 1;
        const concrete = job.bind({ token: caller, productId, orderId, cursor: encodeCursor([5]) });
        const dir = join(work, String(i));
        mkdirSync(dir);
        console.log(`scan: ${concrete.label} …`);
        const run = await runSqlmap(concrete, dir);
        const finding = summarizeSqlmap(concrete.label, run.output, run.seconds, run.timedOut);
        findings.push(finding);
        // Kept for a look: an unclear or positive verdict prints sqlmap's last words.
        writeFileSync(join(logs, `${i}.log`), run.output);
        if (finding.verdict !== 'not injectable')
          console.log(
            run.output
              .trimEnd()
              .split('\n')
              .slice(-25)
              .map((l) => `    ${l}`)
              .join('\n'),
          );
        console.log(`scan: ${concrete.label}: ${finding.verdict} (${Math.round(run.seconds)} s)`);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    await target.stop();
    rmSync(work, { recursive: true, force: true });
  }
  findings.sort((a, b) => a.label.localeCompare(b.label));
  const date = started.toISOString().slice(0, 10);
  const out = process.env.SCAN_OUT ?? `bench/security/sqlmap-${date}.md`;
  mkdirSync(join(out, '..'), { recursive: true });
  const sqlmapVersion = execFileSync('sqlmap', ['--version'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => /^\d+\.\d+/.test(l.trim()))
    ?.trim();
  const lines = [
    '<!-- generated by `npm run scan:sqlmap`; do not edit by hand -->',
    '',
    `# sqlmap scan, ${date}`,
    '',
    `Commit \`${commit}\`, sqlmap ${sqlmapVersion}, level ${level}, risk ${risk}, DBMS PostgreSQL, every technique, ` +
      `against the target app on ${databaseUrl ? 'PostgreSQL' : 'PGlite'} (loopback). One sqlmap process per input; ` +
      `${findings.length} inputs.`,
    '',
    '| input | verdict | techniques tried | 5xx answers | seconds |',
    '| --- | --- | ---: | ---: | ---: |',
    ...findings.map(
      (f) => `| ${f.label} | ${f.verdict} | ${f.techniques} | ${f.serverErrors} | ${Math.round(f.seconds)} |`,
    ),
    '',
  ];
  writeFileSync(out, lines.join('\n'));
  console.log(`scan: wrote ${out}`);
  const bad = findings.filter((f) => f.verdict !== 'not injectable' || f.serverErrors > 0);
  if (bad.length > 0) {
    console.error(`scan: ${bad.length} inputs need a look: ${bad.map((f) => f.label).join('; ')}`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(`scan failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
