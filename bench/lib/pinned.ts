/**
 * Shared bench helpers (used by bench/engine.ts and bench/co.ts; reusable by
 * any bench): start processes pinned to a core, read their CPU time, collect
 * one JSON line from them.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const SERVER_CORE = 0;
export const GENERATOR_CORE = 1;
const CLK_TCK = 100; // getconf CLK_TCK on Linux

/** Spawns `command args...` under `taskset -c <core>`; taskset execs, so the pid is the command's. */
export function spawnPinned(
  core: number,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  return spawn('taskset', ['-c', String(core), command, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a TypeScript file with tsx on a core. */
export function spawnTs(core: number, file: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawnPinned(core, process.execPath, ['--import', 'tsx', file], env);
}

/** utime+stime of a live process in microseconds, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6;
}

/** Resolves with the first stdout line that parses as JSON. */
export function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      for (const line of buf.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          resolve(JSON.parse(line) as T);
          return;
        } catch {
          // an incomplete line; wait for more
        }
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`process exited (${code}) without a JSON line: ${err.slice(-500)}`)),
    );
  });
}

/** Whole stdout once the process exits with code 0. */
export function stdoutOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err.slice(-800)}`)),
    );
  });
}

/** The child's next IPC message; rejects if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`child exited with ${String(code)}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Waits (up to maxWaitMs) until no other bench is running on this shared
 * machine: other benches pin to the same two cores, and running both at
 * once measures neither. Returns false when it gave up waiting.
 */
export async function waitForQuietMachine(maxWaitMs = 600_000): Promise<boolean> {
  const busy = (): boolean => {
    const r = spawnSync('pgrep', ['-f', 'bench/probes']);
    return r.status === 0;
  };
  const until = Date.now() + maxWaitMs;
  let told = false;
  while (busy()) {
    if (Date.now() > until) return false;
    if (!told) console.log('  (another bench is running on these cores; waiting for it to finish)');
    told = true;
    await new Promise((r) => setTimeout(r, 5000));
  }
  return true;
}

/**
 * Pins a PostgreSQL on this machine (the postmaster and every backend, present
 * and future: backends inherit the postmaster's affinity) to `core`, so the
 * database shares the load generator's core rather than the server's. Only for
 * a loopback URL, and only where this user may change those processes' affinity;
 * otherwise it says why it did nothing. Returns a function that restores the
 * original affinity of the processes it changed.
 */
export function pinLocalPostgres(url: string, core: number, say: (message: string) => void): () => void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return () => {};
  }
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return () => {};
  const pids = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  const restore: Array<[string, string]> = [];
  for (const pid of pids) {
    const before = /affinity mask: (\w+)/.exec(
      spawnSync('taskset', ['-p', pid], { encoding: 'utf8' }).stdout,
    );
    const set = spawnSync('taskset', ['-a', '-p', '-c', String(core), pid], { encoding: 'utf8' });
    if (set.status === 0 && before?.[1]) restore.push([pid, before[1]]);
  }
  say(
    restore.length > 0
      ? `local PostgreSQL (${restore.length} processes) pinned to core ${core} for this run`
      : `local PostgreSQL left unpinned (no postgres process this user may pin): it competes with the server for core ${SERVER_CORE}`,
  );
  return () => {
    for (const [pid, mask] of restore) spawnSync('taskset', ['-a', '-p', mask, pid]);
  };
}
