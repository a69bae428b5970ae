/**
 * The target app as the lab runs it: a child process (its event loop is not
 * the load generator's), started the way `npm start` starts it, on a fresh
 * schema of DATABASE_URL (`perflab_lab`, dropped at the end) or else on a
 * fresh PGlite directory. It seeds the default data set itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPgDb } from '../../target-app/db/pg.js';
import type { Db } from '../../target-app/db/types.js';

export const LAB_SCHEMA = 'perflab_lab';
const START_TIMEOUT_MS = 180_000;

export interface LabTarget {
  url: string;
  db: 'postgres' | 'pglite';
  /** The lab's own connection to the app's schema (PostgreSQL only), for extra data and the server version. */
  sql: Db | undefined;
  stop(): Promise<void>;
}

export async function startLabTarget(
  databaseUrl: string | undefined,
  schema: string = LAB_SCHEMA,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<LabTarget> {
  let admin: Db | undefined;
  let sql: Db | undefined;
  let dataDir: string | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    LOG_LEVEL: 'info',
    RATE_LIMIT_API_MAX: '1000000000',
    RATE_LIMIT_LOGIN_MAX: '1000000000',
    PERFLAB_FLAGS: '',
    PERFLAB_MEMORY_INTERVAL_MS: '0',
    ...extraEnv,
  };
  if (databaseUrl) {
    admin = createPgDb({ connectionString: databaseUrl, poolSize: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
    sql = createPgDb({ connectionString: databaseUrl, poolSize: 2, schema });
  } else {
    delete env.DATABASE_URL;
    dataDir = mkdtempSync(join(tmpdir(), 'perflab-lab-'));
    env.PERFLAB_DATA_DIR = dataDir;
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './target-app/register.ts', 'target-app/main.ts'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cleanup = async () => {
    await stopChild(child);
    await sql?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await listeningUrl(child);
    return { url, db: databaseUrl ? 'postgres' : 'pglite', sql, stop: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Reads the app's JSON log until its "listening" line; everything else is dropped. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the target app did not start within 180 s')),
      START_TIMEOUT_MS,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: { msg?: string; url?: string; level?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'target app listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      } else if ((entry.level ?? 0) >= 50) {
        process.stderr.write(`target app: ${line}\n`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the target app exited with code ${String(code)} before listening`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
