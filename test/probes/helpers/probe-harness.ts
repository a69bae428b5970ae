import type { AddressInfo } from 'node:net';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Express } from 'express';
import type { DestinationStream } from 'pino';
import {
  createProbes,
  type ProbesOptions,
  type QueryResultLike,
  type RequestInfo,
} from '../../../probes/index.js';

/** Collects pino lines in memory. */
export class LogSink implements DestinationStream {
  readonly lines: Array<Record<string, unknown>> = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n'))
      if (line) this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  find(msg: string): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.msg === msg);
  }
}

/** Resolves request-end promises from the onRequest hook, so tests wait on events, not time. */
export class RequestWaiter {
  readonly seen: RequestInfo[] = [];
  #waiters: Array<{ n: number; resolve: () => void }> = [];
  readonly hook = (info: RequestInfo): void => {
    this.seen.push(info);
    this.#waiters = this.#waiters.filter((w) => (this.seen.length >= w.n ? (w.resolve(), false) : true));
  };
  /** Resolves once `n` requests in total have finished. */
  until(n: number): Promise<void> {
    if (this.seen.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
}

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(app: Express | ((req: never, res: never) => void)): Promise<Running> {
  const server = createServer(app as Parameters<typeof createServer>[1]);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fake DbLike whose queries settle when the test says so. */
export class FakeDb {
  readonly kind = 'fake';
  readonly texts: string[] = [];
  readonly params: Array<readonly unknown[] | undefined> = [];
  #gates: Array<(r: QueryResultLike) => void> = [];
  #gateNext = 0;
  autoResolve = true;
  async query(text: string, params?: readonly unknown[]): Promise<QueryResultLike> {
    this.texts.push(text);
    this.params.push(params);
    if (this.autoResolve) return { rows: [{ id: 1 }], rowCount: 1 };
    return new Promise((resolve) => this.#gates.push(resolve));
  }
  /** Settles the oldest pending query. */
  release(result: QueryResultLike = { rows: [], rowCount: 0 }): boolean {
    const gate = this.#gates[this.#gateNext];
    if (!gate) return false;
    this.#gateNext++;
    gate(result);
    return true;
  }
  get pending(): number {
    return this.#gates.length - this.#gateNext;
  }
  async transaction<T>(fn: (tx: { query: FakeDb['query'] }) => Promise<T>): Promise<T> {
    return fn({ query: (text, params) => this.query(text, params) });
  }
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: 10, idle: 7, waiting: 2 };
  }
  async close(): Promise<void> {}
}

/** Parses Prometheus/OpenMetrics text into `name{labels} value` sample lines. */
export function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '));
}

/** Distinct label sets of one metric family, ignoring `le`. */
export function series(text: string, family: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(family)) continue;
    const m = /^([a-z_]+)\{([^}]*)\}/.exec(line);
    if (!m) continue;
    out.add(
      m[2]!
        .split(',')
        .filter((kv) => !kv.startsWith('le='))
        .join(','),
    );
  }
  return out;
}

export function waitFor<T>(fn: () => T | undefined, tries = 200): Promise<T> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const tick = (): void => {
      const v = fn();
      if (v !== undefined) return resolve(v);
      if (++n > tries) return reject(new Error('condition not met'));
      setImmediate(tick);
    };
    tick();
  });
}

/**
 * A GET with node:http as imported by ESM here: OpenTelemetry's http
 * instrumentation cannot patch these bindings, so the test client adds no
 * spans or traceparent of its own (unlike undici under tracing: 'auto').
 */
export function plainGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Probes of a test's own: logs into a LogSink, no memory timer or default
 * metrics, a RequestWaiter on the onRequest hook (unless `extra` sets its own).
 */
export function ownProbes(serviceName: string, extra: Partial<ProbesOptions> = {}) {
  const sink = new LogSink();
  const w = new RequestWaiter();
  const p = createProbes({
    serviceName,
    logDestination: sink,
    memoryIntervalMs: 0,
    defaultMetrics: false,
    onRequest: w.hook,
    ...extra,
  });
  return { p, w, sink };
}
