import { request } from 'undici';
import { USER_AGENT, USER_AGENT_HEADER } from '../engine/user-agent.js';
import type { ServerFigures } from '../types.js';
import { METRICS_PATH } from './metric-names.js';
import { parsePrometheus, PrometheusParseError } from './parse-prometheus.js';
import type { Sample } from './parse-prometheus.js';
import type { Peaks } from './server-figures.js';
import { serverFigures, updatePeaks } from './server-figures.js';
import type { Scrape } from './window-figures.js';
import { windowFigures } from './window-figures.js';

const SCRAPE_TIMEOUT_MS = 2000;
const NO_PEAKS: Peaks = { eventLoopLagP99: null, heap: null, rss: null };

async function fetchMetrics(target: string): Promise<Sample[]> {
  const res = await request(target + METRICS_PATH, {
    headers: { [USER_AGENT_HEADER]: USER_AGENT },
    headersTimeout: SCRAPE_TIMEOUT_MS,
    bodyTimeout: SCRAPE_TIMEOUT_MS,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${METRICS_PATH} answered ${res.statusCode}`);
  return parsePrometheus(text);
}

/**
 * Scrapes the target's /metrics at the edges of the measured window and every
 * few seconds in between, so the server figures cover the same requests as
 * the client's: not the warm-up, not the tail sent after the window closed.
 * `start()` checks the target answers; `markStart()` and `markEnd()` take the
 * edge scrapes. Scrapes run one at a time, in call order. Any failure turns
 * server figures off with a reason; it never fails the run.
 */
export class Scraper {
  private scrapes: Scrape[] = [];
  private peaks: Peaks = NO_PEAKS;
  private phase: 'before' | 'in' | 'after' = 'before';
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Checks that /metrics answers; this scrape stands in for the window start if the run never gets there. */
  async start(intervalMs: number): Promise<void> {
    this.intervalMs = intervalMs;
    await this.enqueue('edge');
  }

  /**
   * The window-start scrape: everything before it (the warm-up) is left out.
   * With no warm-up the `start()` scrape, taken just before the load, is the start.
   */
  markStart(reuseFirst = false): Promise<void> {
    if (this.phase !== 'before') return this.queue;
    this.phase = 'in';
    const p = reuseFirst && this.scrapes.length > 0 ? this.queue : this.enqueue('start');
    if (this.reason === undefined) {
      this.timer = setInterval(() => void this.enqueue('point'), this.intervalMs);
      this.timer.unref();
    }
    return p;
  }

  /** The window-end scrape: answers still arriving after it are left out. */
  markEnd(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.phase === 'after') return this.queue;
    this.phase = 'after';
    return this.enqueue('point');
  }

  /** Takes the end scrape if not yet taken and computes the figures. */
  async stop(windowStartMs: number, windowEndMs: number): Promise<ServerFigures> {
    await this.markEnd();
    const first = this.scrapes[0];
    const last = this.scrapes[this.scrapes.length - 1];
    if (!first || !last || this.scrapes.length < 2) {
      return {
        available: false,
        reason: this.reason ?? 'no scrape succeeded',
        scrapes: this.scrapes.length,
      };
    }
    const figures = serverFigures(first.samples, last.samples, this.peaks, this.scrapes.length);
    const extra = windowFigures(this.scrapes, windowStartMs, windowEndMs);
    for (const [route, q] of Object.entries(extra.routeQueries)) {
      const r = figures.routes?.[route];
      if (r) r.queriesPerRequest = q;
    }
    // The target died or broke mid-run: keep what was measured up to then, and say so.
    return { ...figures, ...extra.figures, ...(this.reason === undefined ? {} : { reason: this.reason }) };
  }

  private intervalMs = 5000;

  private enqueue(kind: 'edge' | 'start' | 'point'): Promise<void> {
    this.queue = this.queue.then(() => this.scrape(kind));
    return this.queue;
  }

  private async scrape(kind: 'edge' | 'start' | 'point'): Promise<void> {
    if (this.reason !== undefined) return;
    try {
      const samples = await fetchMetrics(this.target);
      const scrape = { atMs: this.now(), samples };
      if (kind === 'start' || (kind === 'edge' && this.scrapes.length === 0)) {
        // The start scrape's gauges describe the warm-up: peaks begin with the next one, except
        // heap and RSS, which are instantaneous.
        this.scrapes = [scrape];
        this.peaks = { ...updatePeaks(NO_PEAKS, samples), eventLoopLagP99: null };
      } else {
        this.scrapes.push(scrape);
        this.peaks = updatePeaks(this.peaks, samples);
      }
    } catch (err) {
      const why =
        err instanceof PrometheusParseError
          ? `unparsable ${METRICS_PATH}: ${err.message}`
          : String((err as Error).message ?? err);
      this.reason =
        this.scrapes.length === 0 ? `no server-side figures: ${why}` : `server scrape stopped: ${why}`;
    }
  }
}
