import { EventEmitter } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerflabError, invalidOption } from '../../common/perflab-error.js';
import { resolveOptions } from '../engine/options.js';
import { E_OPTION, E_PROFILE_FAILED, E_PROFILE_SERVER } from '../error-codes.js';
import { writeResult } from '../result/result-file.js';
import { LoadRun } from '../run.js';
import type { RunOptions, RunResult } from '../types.js';
import { loadClinicTool, type ClinicCollector } from './clinic-tool.js';
import { formatProfileSummary } from './profile-summary.js';
import { findExecutable, serverEnv, swapProcessEnv, targetAppCommand } from './server-command.js';
import type { ProfileEvents, ProfileOptions, ProfileResult, ProfileTool } from './types.js';

const TOOLS: readonly ProfileTool[] = ['doctor', 'flame'];
const START_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 30_000;
// Flame (0x) never reports a server that dies before listening, so its pid is watched.
const LIVENESS_POLL_MS = 250;

interface Resolved extends ProfileOptions {
  command: string[];
  env: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

/**
 * One profiled run: the server starts under Clinic.js, the scenario's load
 * runs against it (the same engine as `perflab run`), the server is stopped
 * with SIGTERM so it closes cleanly, and clinic's HTML lands in `outDir`
 * with result.json and summary.md. Options are checked at construction;
 * `finished` rejects with a coded error when the server never listened.
 */
export class ProfileRun extends EventEmitter<ProfileEvents> {
  readonly finished: Promise<ProfileResult>;
  private readonly opts: Resolved;
  private load: LoadRun | undefined;
  private stopped = false;
  private abortStart: (() => void) | undefined;

  constructor(options: ProfileOptions) {
    super();
    this.opts = resolveProfileOptions(options);
    this.finished = new Promise<void>((r) => setImmediate(r)).then(() => this.execute());
    this.finished.catch(() => undefined);
  }

  /** Stops the load (the result is marked interrupted); the server is still stopped and profiled. */
  stop(): void {
    this.stopped = true;
    this.load?.stop();
    this.abortStart?.();
  }

  private async execute(): Promise<ProfileResult> {
    const o = this.opts;
    const onAbort = (): void => this.stop();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const Clinic = await loadClinicTool(o.tool);
    // Clinic's raw data stays with the report (it can be rendered again); removed if the run fails.
    const work = join(o.outDir, `clinic-${o.tool}-data`);
    await mkdir(work, { recursive: true });
    let ok = false;
    try {
      const clinic = new Clinic({ detectPort: true, dest: work });
      const { port, pid, collected } = await this.startServer(clinic, join(work, 'server.pid'));
      let result: RunResult;
      try {
        result = await this.runLoad(port);
      } finally {
        this.emit('status', 'stopping the server');
        await stopServer(pid, collected, o.stopTimeoutMs);
      }
      const dataDir = await collected;
      this.emit('status', `rendering the ${o.tool} report`);
      const htmlPath = join(o.outDir, `profile-${o.tool}.html`);
      await visualize(clinic, dataDir, htmlPath);
      const resultPath = await writeResult(result, o.outDir);
      const summaryPath = join(o.outDir, 'summary.md');
      await writeFile(summaryPath, formatProfileSummary(result, o.tool, htmlPath));
      ok = true;
      return { result, htmlPath, resultPath, summaryPath, dataDir };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      if (!ok) await rm(work, { recursive: true, force: true });
    }
  }

  private async startServer(clinic: ClinicCollector, pidFile: string) {
    const o = this.opts;
    this.emit('status', `starting ${o.command.join(' ')} under clinic ${o.tool}`);
    const restoreEnv = swapProcessEnv(serverEnv(o.env, pidFile));
    let exited = false;
    const collected = new Promise<string>((resolve, reject) => {
      clinic.collect(o.command, (err, dir) => {
        exited = true;
        if (err)
          reject(new PerflabError(E_PROFILE_FAILED, `clinic ${o.tool}: ${err.message}`, { cause: err }));
        else resolve(dir);
      });
    });
    collected.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const fail = (why: string): void => reject(new PerflabError(E_PROFILE_SERVER, why));
        clinic.on('port', (p) => resolve(p));
        collected.then(
          () => fail('the server exited before it listened; its output above says why'),
          (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
        );
        timer = setTimeout(
          () => fail(`the server did not listen within ${o.startTimeoutMs} ms`),
          o.startTimeoutMs,
        );
        this.abortStart = () => fail('interrupted before the server listened');
        if (this.stopped) this.abortStart();
        poll = setInterval(() => {
          void readPid(pidFile).then((pid) => {
            if (pid !== undefined && !exited && !isAlive(pid)) fail('the server exited before it listened');
          });
        }, LIVENESS_POLL_MS);
      });
      const pid = await readPid(pidFile);
      if (pid === undefined)
        throw new PerflabError(E_PROFILE_SERVER, 'the server listened but did not report its pid');
      await rm(pidFile, { force: true });
      return { port, pid, collected };
    } catch (err) {
      const pid = await readPid(pidFile);
      if (pid !== undefined) await stopServer(pid, collected, o.stopTimeoutMs);
      throw err;
    } finally {
      restoreEnv();
      clearTimeout(timer);
      clearInterval(poll);
      this.abortStart = undefined;
    }
  }

  private async runLoad(port: number): Promise<RunResult> {
    const o = this.opts;
    this.load = new LoadRun({ ...loadOptions(o), target: `http://127.0.0.1:${port}` });
    if (this.stopped) this.load.stop();
    this.emit('load', this.load);
    this.emit('status', `running ${o.scenario.name} against http://127.0.0.1:${port}`);
    return this.load.finished;
  }
}

function loadOptions(o: ProfileOptions): Omit<RunOptions, 'target'> {
  return {
    scenario: o.scenario,
    model: o.model,
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    ...(o.requests !== undefined ? { requests: o.requests } : {}),
    ...(o.warmupMs !== undefined ? { warmupMs: o.warmupMs } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.thresholds !== undefined ? { thresholds: o.thresholds } : {}),
  };
}

function resolveProfileOptions(options: ProfileOptions): Resolved {
  if (!TOOLS.includes(options.tool))
    throw invalidOption(E_OPTION, 'tool', `one of ${TOOLS.join(', ')}`, options.tool);
  if (typeof options.outDir !== 'string' || options.outDir === '')
    throw invalidOption(E_OPTION, 'outDir', 'a folder path', options.outDir);
  const command = options.command ? [...options.command] : targetAppCommand();
  if (command.length === 0 || command.some((a) => typeof a !== 'string'))
    throw invalidOption(E_OPTION, 'command', 'a non-empty array of strings', options.command);
  const env = options.env ?? process.env;
  if (findExecutable(command[0] as string, env.PATH) === undefined)
    throw invalidOption(E_OPTION, 'command', 'an executable found on PATH', command[0]);
  for (const key of ['startTimeoutMs', 'stopTimeoutMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw invalidOption(E_OPTION, key, 'a positive number', v);
  }
  // The load options are checked now too, against a stand-in for the port not known yet.
  resolveOptions({ ...loadOptions(options), target: 'http://127.0.0.1' });
  return {
    ...options,
    command,
    env,
    startTimeoutMs: options.startTimeoutMs ?? START_TIMEOUT_MS,
    stopTimeoutMs: options.stopTimeoutMs ?? STOP_TIMEOUT_MS,
  };
}

async function readPid(file: string): Promise<number | undefined> {
  const pid = Number(await readFile(file, 'utf8').catch(() => ''));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM lets the server close its connections and database; SIGKILL only
 * past the deadline. Resolves once clinic has seen the exit, or gives up
 * after a second deadline (0x never reports a server that died before listening).
 */
async function stopServer(pid: number, collected: Promise<string>, timeoutMs: number): Promise<void> {
  const done = collected.then(
    () => true,
    () => true,
  );
  for (const name of ['SIGTERM', 'SIGKILL'] as const) {
    if (!isAlive(pid)) return;
    signal(pid, name);
    if (await within(done, timeoutMs)) return;
  }
}

async function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function visualize(clinic: ClinicCollector, dataDir: string, htmlPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    clinic.visualize(dataDir, htmlPath, (err) => {
      if (err)
        reject(
          new PerflabError(E_PROFILE_FAILED, `rendering the report failed: ${err.message}`, { cause: err }),
        );
      else resolve();
    });
  });
}
