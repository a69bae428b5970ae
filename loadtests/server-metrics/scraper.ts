import { request } from 'undici';
import { USER_AGENT, USER_AGENT_HEADER } from '../engine/user-agent.js';
import type { ServerFigures } from '../types.js';
import { METRICS_PATH } from './metric-names.js';
import { parsePrometheus, PrometheusParseError } from './parse-prometheus.js';
import type { Sample } from './parse-prometheus.js';
import type { Peaks } from './server-figures.js';
import { serverFigures, updatePeaks } from './server-figures.js';

const SCRAPE_TIMEOUT_MS = 2000;

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
 * Scrapes the target's /metrics before, every few seconds during, and after
 * the run. Only the first and last scrape plus running gauge maxima are
 * kept. Any failure turns server figures off with a reason; it never fails
 * the run.
 */
export class Scraper {
  private first: Sample[] | undefined;
  private last: Sample[] | undefined;
  private peaks: Peaks = { eventLoopLagP99: null, heap: null, rss: null };
  private scrapes = 0;
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly target: string) {}

  /** Takes the "before" scrape and starts the periodic ones. */
  async start(intervalMs: number): Promise<void> {
    await this.scrape();
    if (this.reason !== undefined) return;
    this.timer = setInterval(() => {
      this.inFlight = this.scrape();
    }, intervalMs);
    this.timer.unref();
  }

  /** Takes the "after" scrape and computes the figures. */
  async stop(): Promise<ServerFigures> {
    if (this.timer) clearInterval(this.timer);
    await this.inFlight;
    if (this.reason === undefined) await this.scrape();
    if (!this.first || !this.last || this.scrapes < 2) {
      return { available: false, reason: this.reason ?? 'no scrape succeeded', scrapes: this.scrapes };
    }
    // The target died or broke mid-run: keep what was measured up to then, and say so.
    const figures = serverFigures(this.first, this.last, this.peaks, this.scrapes);
    return this.reason === undefined ? figures : { ...figures, reason: this.reason };
  }

  private async scrape(): Promise<void> {
    if (this.reason !== undefined) return;
    try {
      const samples = await fetchMetrics(this.target);
      this.first ??= samples;
      this.last = samples;
      this.peaks = updatePeaks(this.peaks, samples);
      this.scrapes++;
    } catch (err) {
      const why =
        err instanceof PrometheusParseError
          ? `unparsable ${METRICS_PATH}: ${err.message}`
          : String((err as Error).message ?? err);
      this.reason = this.scrapes === 0 ? `no server-side figures: ${why}` : `server scrape stopped: ${why}`;
    }
  }
}
