import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { defaultReportDir } from '../../loadtests/result/result-file.js';
import { loadConfig } from '../config.js';
import { openDb } from '../db/index.js';
import { FLAG } from '../flags/names.js';
import { instrumentApp } from '../instrument.js';
import { ADMIN_EMAIL } from '../seed.js';
import { startServer } from '../server.js';
import { DEMO_LIMITS } from './serve.js';

const PERFLAB_BIN = fileURLToPath(new URL('../../bin/perflab.js', import.meta.url));
/** The anti-patterns the "before" side runs with, and the "after" side without. */
export const DEMO_FLAGS = [FLAG.N_PLUS_ONE, FLAG.MISSING_INDEX] as const;

export interface DemoOptions {
  /** Runs a side: 5 is the fewest at which the U test can call a 5% shift at p < 0.01. */
  runs: number;
  duration: string;
  warmup: string;
  connections: number;
  /** Where the runs, compare.json and the reports go. */
  out?: string;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * Two connections: with both flags on a request takes a second or more on
 * PGlite, and a deeper queue would still be draining when the next run's
 * pre-flight request goes out.
 */
export const DEMO_DEFAULTS = { runs: 5, duration: '4s', warmup: '1s', connections: 2 } as const;

/** Runs `perflab` in its own process (its own event loop, away from the app's); progress lines pass through. */
export function perflab(
  args: string[],
  o: Pick<DemoOptions, 'env' | 'log' | 'signal'>,
  prefix: string,
  stdout: 'print' | 'drop',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PERFLAB_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...o.env, NO_COLOR: '1' },
    });
    const lines = (stream: NodeJS.ReadableStream, show: boolean, pre: string): void => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trimEnd();
          buf = buf.slice(i + 1);
          if (show && line !== '') o.log(pre + line);
        }
      });
      stream.on('end', () => {
        if (show && buf.trim() !== '') o.log(pre + buf.trimEnd());
      });
    };
    lines(child.stdout, stdout === 'print', '');
    lines(child.stderr, true, prefix);
    // Ctrl-C reaches the child too (same process group); this covers an abort from elsewhere.
    const onAbort = (): void => void child.kill('SIGINT');
    o.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code, sig) => {
      o.signal.removeEventListener('abort', onAbort);
      resolve(code ?? (sig ? 130 : 1));
    });
  });
}

export async function setFlags(
  url: string,
  token: string,
  on: boolean,
  names: readonly string[] = DEMO_FLAGS,
): Promise<Record<string, boolean>> {
  const res = await request(`${url}/api/admin/flags`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(names.map((f) => [f, on]))),
  });
  const body = (await res.body.json()) as { flags?: Record<string, boolean> };
  if (res.statusCode !== 200 || !body.flags)
    throw new Error(`PUT /api/admin/flags answered ${res.statusCode}`);
  return body.flags;
}

export async function adminToken(url: string, password: string): Promise<string> {
  const res = await request(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password }),
  });
  const body = (await res.body.json()) as { token?: string };
  if (res.statusCode !== 200 || !body.token) throw new Error(`admin login answered ${res.statusCode}`);
  return body.token;
}

/**
 * `npm run demo`: the target app with probes on, the order history with
 * n_plus_one and missing_index on (before), switched off through the admin
 * API (after), each side repeated for a verdict, then the compare and the
 * report. Returns the exit code: 0, 130 when stopped, 2 when something failed.
 */
export async function beforeAfterDemo(o: DemoOptions): Promise<number> {
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  // An ephemeral port, so the demo never collides with a server already on 3000; explicit variables win.
  // The before side logs a slow query every few milliseconds: the demo's own lines are the story.
  const config = loadConfig({ LOG_LEVEL: 'error', ...DEMO_LIMITS, PORT: '0', ...process.env, ...o.env });
  o.log(
    `perflab demo: opening ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`} ...`,
  );
  const { db, setupDb, instrumentation, shutdown } = instrumentApp(config, await openDb(config));
  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    running = await startServer({ config, db, setupDb, instrumentation, log: instrumentation.logger });
    o.log(
      `${running.seeded ? 'seeded an empty database' : 'reused the seeded database'}; target app with probes on ${running.url} (${elapsed()})`,
    );
    const dir = o.out ?? defaultReportDir(new Date().toISOString(), 'demo');
    const token = await adminToken(running.url, config.adminPassword);
    const load = (side: string): string[] => [
      'run',
      'order-history',
      '--target',
      running?.url ?? '',
      '--connections',
      String(o.connections),
      '--duration',
      o.duration,
      '--warmup',
      o.warmup,
      '--scrape-interval',
      '1s',
      '--repeat',
      String(o.runs),
      '--out',
      join(dir, side),
      '--no-report',
    ];
    for (const [side, on] of [
      ['before', true],
      ['after', false],
    ] as const) {
      if (o.signal.aborted) return 130;
      const flags = await setFlags(running.url, token, on);
      o.log('');
      o.log(
        `${side}: ${DEMO_FLAGS.map((f) => `${f}=${String(flags[f])}`).join(', ')} (PUT /api/admin/flags); ${o.runs} runs of ${o.duration} after ${o.warmup} warm-up, ${o.connections} connections (${elapsed()})`,
      );
      const code = await perflab(load(side), o, `  ${side} │ `, 'drop');
      if (o.signal.aborted || code === 130) return 130;
      if (code !== 0) throw new Error(`perflab run (${side}) exited ${code}`);
    }
    o.log('');
    o.log(`comparing (${elapsed()}):`);
    o.log('');
    const code = await perflab(
      ['compare', join(dir, 'before'), join(dir, 'after'), '--out', dir],
      o,
      '',
      'print',
    );
    if (code !== 0) throw new Error(`perflab compare exited ${code}`);
    o.log('');
    const report = join(dir, 'report.html');
    const rel = relative(process.cwd(), report);
    o.log(`HTML report: ${rel.startsWith('..') ? report : rel}`);
    o.log(
      `demo finished in ${elapsed()}. \`npm run demo -- --serve\` keeps the app running to try it yourself.`,
    );
    return 0;
  } finally {
    await running?.close();
    await db.close();
    await shutdown();
  }
}
