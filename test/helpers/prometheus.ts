import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One series of an instant query's answer. */
export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Exemplar {
  series: Record<string, string>;
  labels: Record<string, string>;
  value: string;
  timestamp: number;
}

export interface RunningPrometheus {
  url: string;
  dir: string;
  /** Instant query at now; throws on a PromQL error (so a typo fails the test loudly). */
  query(expr: string): Promise<PromSeries[]>;
  /** Exemplars of `expr` between two unix times in seconds: each with its series' labels. */
  exemplars(expr: string, start: number, end: number): Promise<Exemplar[]>;
  /** Polls `check` (an API read) until it returns true; throws after `timeoutMs`. */
  until(check: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const POLL_MS = 200;

/**
 * Starts Debian's (or any) `prometheus` on 127.0.0.1 with a temp data dir, the
 * remote-write receiver and exemplar storage. `files` are written into the
 * config's directory first (rule files the config names).
 */
export async function startPrometheus(
  config: string,
  files: Record<string, string> = {},
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'perflab-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const api = async (path: string): Promise<unknown> => {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const until: RunningPrometheus['until'] = async (check, what, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; prometheus log: ${log}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => (await fetch(`${url}/-/ready`)).ok, 'prometheus to be ready');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    dir,
    query: async (expr) => {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
        resultType: string;
        result: PromSeries[] | [number, string];
      };
      // A scalar answer counts as one series without labels.
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      return data.result as PromSeries[];
    },
    exemplars: async (expr, start, end) => {
      const data = (await api(
        `/api/v1/query_exemplars?query=${encodeURIComponent(expr)}&start=${start}&end=${end}`,
      )) as Array<{ seriesLabels: Record<string, string>; exemplars: Omit<Exemplar, 'series'>[] }>;
      return data.flatMap((s) => s.exemplars.map((e) => ({ ...e, series: s.seriesLabels })));
    },
    until,
    stop,
  };
}
