import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const READY = 'perflab services: ';
/** Every child still running, including one whose start a timed-out test stopped waiting for. */
const live = new Set<ChildProcess>();

/** SIGKILLs every service process this test file started and waits for them; afterAll calls it. */
export async function killAllServices(): Promise<void> {
  await Promise.all(
    [...live].map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGKILL');
        }),
    ),
  );
}

export interface ChildService {
  name: string;
  proc: ChildProcess;
  urls: Record<string, string>;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts one service as its own process, the compose shape
 * (`npm run target -- --mode services --service <name>`), and resolves once it
 * says it listens. Rejects with its stderr if it exits first or takes longer than `ms`.
 */
export function spawnService(name: string, env: Record<string, string>, ms = 90_000): Promise<ChildService> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './target-app/services/register.ts',
      'target-app/bin/target.ts',
      '--mode',
      'services',
      '--service',
      name,
    ],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(proc);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      live.delete(proc);
      resolve();
    }),
  );
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4_000);
  });
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void kill('SIGKILL');
      reject(new Error(`${name} did not start in ${ms} ms: ${stderr}`));
    }, ms);
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith(READY));
      if (line) {
        clearTimeout(timer);
        resolve({ name, proc, urls: JSON.parse(line.slice(READY.length)) as Record<string, string>, kill });
      }
      if (out.length > 100_000) out = out.slice(-10_000);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
}
