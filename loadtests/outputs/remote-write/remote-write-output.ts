import { hostname } from 'node:os';
import { invalidOption } from '../../../common/perflab-error.js';
import { E_REMOTE_WRITE_OPTION } from '../../error-codes.js';
import { USER_AGENT } from '../../engine/user-agent.js';
import type { LoadRun } from '../../run.js';
import { ClientFigures } from './client-figures.js';
import { encodeWriteRequest, WRITE_HEADERS } from './write-request.js';

export interface RemoteWriteOptions {
  /** The receiver, e.g. `http://127.0.0.1:9090/api/v1/write`. */
  url: string;
  /** Labels every series; generators of one distributed run share it. */
  testid: string;
  /** Labels this generator's series; default `<hostname>:<pid>`. */
  generator?: string;
  /** Per push; default 5 s. */
  timeoutMs?: number;
}

export interface RemoteWriteReport {
  url: string;
  testid: string;
  generator: string;
  pushes: number;
  failed: number;
  /** The last failure's reason, when any push failed. */
  lastError?: string;
  /** What the last successful push carried. */
  requests: number;
  errors: number;
}

const LABEL_VALUE = /^[\w.:/@-]{1,128}$/;

/**
 * Streams a run's client-side figures to Prometheus over remote write, once a
 * second (on the run's tick) and once more after it ends. A push that fails
 * is counted and never stops the run: counters are cumulative, so the next
 * push carries what the failed one would have.
 */
export class RemoteWriteOutput {
  private readonly figures: ClientFigures;
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly report: RemoteWriteReport;
  private pending: Promise<void> | undefined;
  private lastTimestamp = 0;

  constructor(options: RemoteWriteOptions) {
    let url: URL | undefined;
    try {
      url = new URL(options.url);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw invalidOption(E_REMOTE_WRITE_OPTION, 'url', 'an http(s) URL', options.url);
    }
    if (typeof options.testid !== 'string' || !LABEL_VALUE.test(options.testid)) {
      throw invalidOption(E_REMOTE_WRITE_OPTION, 'testid', '1-128 of [A-Za-z0-9_.:/@-]', options.testid);
    }
    const generator = options.generator ?? `${hostname()}:${process.pid}`;
    if (typeof generator !== 'string' || generator.length === 0 || generator.length > 128) {
      throw invalidOption(
        E_REMOTE_WRITE_OPTION,
        'generator',
        'a non-empty string up to 128 characters',
        generator,
      );
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw invalidOption(E_REMOTE_WRITE_OPTION, 'timeoutMs', 'a positive number', timeoutMs);
    }
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.figures = new ClientFigures(options.testid, generator);
    this.report = {
      url: url.href,
      testid: options.testid,
      generator,
      pushes: 0,
      failed: 0,
      requests: 0,
      errors: 0,
    };
  }

  /** Follows a run: every recorded outcome, and a push on every tick. */
  attach(run: LoadRun): this {
    run.on('outcome', (endpoint, outcome) => this.figures.record(endpoint, outcome));
    run.on('tick', (snapshot) => {
      this.figures.inFlight = snapshot.inFlight;
      if (snapshot.sendLagMs !== undefined) this.figures.sendLagMs = snapshot.sendLagMs;
      // One push at a time: a slow receiver delays figures, it does not pile up requests.
      this.pending ??= this.push().finally(() => (this.pending = undefined));
    });
    return this;
  }

  /** After the run: waits for a push in flight, sends the final totals, and reports. */
  async close(): Promise<RemoteWriteReport> {
    await this.pending;
    this.figures.inFlight = 0;
    await this.push();
    return { ...this.report };
  }

  private async push(): Promise<void> {
    // Samples of a series must be newer than the last one written.
    const timestampMs = Math.max(Date.now(), this.lastTimestamp + 1);
    this.lastTimestamp = timestampMs;
    const totals = this.figures.totals();
    this.report.pushes++;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { ...WRITE_HEADERS, 'user-agent': USER_AGENT },
        body: encodeWriteRequest(this.figures.series(timestampMs)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = res.ok ? '' : (await res.text()).slice(0, 200).trim();
      if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text}` : ''}`);
      await res.body?.cancel();
      this.report.requests = totals.requests;
      this.report.errors = totals.errors;
    } catch (err) {
      this.report.failed++;
      this.report.lastError = failureReason(err, this.timeoutMs);
    }
  }
}

/**
 * A failed push in words the report can show: fetch says only "fetch failed"
 * for a refused or reset connection (the socket's code is on its cause), and
 * "The operation was aborted due to timeout" for a receiver that never answers.
 */
function failureReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

/** One line for the end of a run. */
export function formatRemoteWriteReport(r: RemoteWriteReport): string {
  const head = `remote write: ${r.pushes - r.failed}/${r.pushes} pushes to ${r.url} (testid ${r.testid}, generator ${r.generator})`;
  return r.failed > 0 ? `${head}; ${r.failed} failed, last: ${r.lastError ?? 'unknown'}` : head;
}
