import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const READY = 'perflab services: ';
/** Every target process a test file started, so afterAll can stop what a failed test left running. */
const live = new Set<ChildProcess>();

/**
 * The embedded defaults whatever services CI has (no DATABASE_URL: PGlite in
 * `dataDir`; no NATS_URL: the in-process bus; no REDIS_URL), quiet logs.
 */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PERFLAB_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  for (const name of ['DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'])
    delete env[name];
  return env;
}

/** A port nothing listens on right now (the OS's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npm run seed` into the embedded database of `env`, small. */
export function seedSmall(env: NodeJS.ProcessEnv): void {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'target-app/bin/seed.ts', '--users', '10', '--products', '20', '--orders', '30'],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`seed exited ${r.status}: ${r.stderr}`);
}

export interface TargetProcess {
  proc: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  stderr(): string;
  /** The `perflab services: {...}` line of the services shape, parsed. */
  announced: Promise<Record<string, string>>;
}

/** `npm run target -- <args>`: the same node flags as the npm script, from the repository root. */
export function spawnTarget(args: string[], env: NodeJS.ProcessEnv): TargetProcess {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './target-app/services/register.ts', 'target-app/bin/target.ts', ...args],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(proc);
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-8_000);
  });
  let out = '';
  const announced = new Promise<Record<string, string>>((resolve, reject) => {
    proc.stdout?.on('data', (c: Buffer) => {
      out = (out + c.toString()).slice(-20_000);
      const line = out.split('\n').find((l) => l.startsWith(READY));
      if (line) resolve(JSON.parse(line.slice(READY.length)) as Record<string, string>);
    });
    void exited.then((code) => reject(new Error(`target exited (${code}) before it said where: ${stderr}`)));
  });
  // Only awaited by tests that expect the line.
  announced.catch(() => {});
  return { proc, exited, stderr: () => stderr, announced };
}

/**
 * Polls `<url>/readyz` until it answers 200, at most `ms`; fails at once if
 * the process exits first.
 */
export async function waitReady(t: TargetProcess, url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let gone: number | string | undefined;
  void t.exited.then((code) => (gone = code));
  for (;;) {
    if (gone !== undefined) throw new Error(`target exited (${gone}) before it was ready: ${t.stderr()}`);
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz not ready within ${ms} ms: ${t.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGKILLs whatever target process this file started that is still running; afterAll calls it. */
export async function killAllTargets(): Promise<void> {
  await Promise.all(
    [...live].map(async (proc) => {
      const gone = once(proc, 'exit');
      proc.kill('SIGKILL');
      await gone;
    }),
  );
}
