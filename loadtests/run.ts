import { EventEmitter } from 'node:events';
import { PerflabError } from '../common/perflab-error.js';
import { startClosedModel } from './engine/closed-model.js';
import type { EngineRun } from './engine/engine-types.js';
import { startOpenModel } from './engine/open-model.js';
import type { ResolvedOptions } from './engine/options.js';
import { MAX_RUN_MS, resolveOptions } from './engine/options.js';
import { preflight, setupContext, targetInfo } from './engine/preflight.js';
import { segmentShare } from './engine/segment.js';
import { Timeline } from './engine/schedule.js';
import { collectEnvironment } from './environment.js';
import { E_SETUP_FAILED } from './error-codes.js';
import { aggregate } from './result/aggregate.js';
import { Scraper } from './server-metrics/scraper.js';
import { summarize } from './stats/histogram.js';
import { Recorder } from './stats/recorder.js';
import type { Threshold } from './thresholds/parse-threshold.js';
import { checkThresholdSteps } from './thresholds/check-steps.js';
import { parseThresholds } from './thresholds/parse-threshold.js';
import type { ProgressSnapshot, RunEvents, RunOptions, RunResult, ServerFigures } from './types.js';

const TICK_MS = 1000;

/**
 * One load run. Construction validates every option and threshold and
 * throws a coded error naming the bad one; the load itself starts on the next
 * tick so listeners can be attached. `finished` resolves with the result,
 * also for an interrupted run, and rejects only when no load was sent
 * (unreachable target, failing setup).
 */
export class LoadRun extends EventEmitter<RunEvents> {
  readonly finished: Promise<RunResult>;
  private readonly opts: ResolvedOptions;
  private readonly thresholds: Threshold[];
  private engine: EngineRun | undefined;
  private interrupted = false;

  constructor(options: RunOptions) {
    super();
    this.opts = resolveOptions(options);
    this.thresholds = parseThresholds(this.opts.thresholds);
    checkThresholdSteps(this.thresholds, this.opts.scenario);
    this.finished = new Promise<void>((r) => setImmediate(r)).then(() => this.execute());
    // Callers that only listen to events must not get an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  /** Stops the load; the result is marked `interrupted`. */
  stop(): void {
    this.interrupted = true;
    this.engine?.stop();
  }

  private async execute(): Promise<RunResult> {
    const o = this.opts;
    const onAbort = (): void => this.stop();
    if (o.signal?.aborted) this.interrupted = true;
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (!o.skipPreflight) await preflight(o.target);
      const info = await targetInfo(o.target);
      const data = await this.setup();
      const scraper = o.scrape ? new Scraper(o.target) : undefined;
      await scraper?.start(o.scrapeIntervalMs);
      return await this.load(data, scraper, info);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async setup(): Promise<unknown> {
    try {
      return await this.opts.scenario.setup?.(setupContext(this.opts.target));
    } catch (err) {
      if (err instanceof PerflabError) throw err;
      throw new PerflabError(
        E_SETUP_FAILED,
        `setup() of scenario "${this.opts.scenario.name}" failed: ${String(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  private async load(
    data: unknown,
    scraper: Scraper | undefined,
    info: { version?: string; flags?: Record<string, unknown> },
  ) {
    const o = this.opts;
    const startedAt = new Date().toISOString();
    const startMs = performance.now();
    const windowStart = startMs + o.warmupMs;
    const model = o.model;
    let measuredMs = o.durationMs;
    if (
      measuredMs === undefined &&
      model.kind === 'open' &&
      model.rate !== undefined &&
      o.requests !== undefined
    ) {
      measuredMs = (o.requests / model.rate) * 1000;
    }
    const windowEnd = windowStart + Math.min(measuredMs ?? MAX_RUN_MS, MAX_RUN_MS);
    const recorder = new Recorder(windowStart);
    // A segment's share of the plan: of the request count and the closed model's users.
    const requests = o.requests === undefined ? undefined : segmentShare(o.requests, o.segment);
    let countReachedAt: number | undefined;
    // The server figures cover the measured window only: scrapes at its edges.
    // The closed model keeps sending unmeasured requests after the window until autocannon stops,
    // so its end scrape is taken when the window closes; the open model schedules nothing after
    // the window, and its late-sent measured requests must be counted, so it ends when the load does.
    const edges = scraper
      ? scrapeAtEdges(scraper, windowStart, o.model.kind === 'closed' ? windowEnd : undefined)
      : undefined;
    // Outputs (remote write) follow outcomes as events; none attached costs nothing per request.
    const emitOutcomes = this.listenerCount('outcome') > 0;

    const onOutcome = (
      step: string,
      outcome: Parameters<Recorder['record']>[1],
      sentAt: number,
      now: number,
    ): boolean => {
      if (sentAt < windowStart || sentAt > windowEnd || countReachedAt !== undefined) return false;
      recorder.record(step, outcome, now);
      if (emitOutcomes) this.emit('outcome', step, outcome);
      if (requests !== undefined && recorder.requests >= requests) {
        countReachedAt = now;
        void scraper?.markEnd();
        this.engine?.stop();
      }
      return true;
    };
    const base = { target: o.target, scenario: o.scenario, data, timeoutMs: o.timeoutMs, startMs, onOutcome };
    const totalMs = windowEnd - startMs;
    if (model.kind === 'closed') {
      this.engine = startClosedModel({
        ...base,
        totalMs,
        connections: segmentShare(model.connections, o.segment),
      });
    } else {
      const main =
        model.rate !== undefined
          ? [{ durationMs: measuredMs ?? MAX_RUN_MS, from: model.rate, to: model.rate }]
          : Timeline.fromStages(model.stages ?? [], model.startRate ?? 0).segments.map((s) => ({
              durationMs: s.durationMs,
              from: s.r0 * 1000,
              to: s.r1 * 1000,
            }));
      const warmRate = model.rate ?? model.stages?.[0]?.target ?? 0;
      const ramps =
        o.warmupMs > 0 ? [{ durationMs: o.warmupMs, from: warmRate, to: warmRate }, ...main] : main;
      this.engine = startOpenModel({
        ...base,
        totalMs,
        timeline: new Timeline(ramps),
        maxConnections: model.maxConnections,
        maxSendLagMs: model.maxSendLagMs,
        measureFromMs: windowStart,
        preciseTiming: model.preciseTiming ?? false,
        ...(model.rate !== undefined ? { targetRps: model.rate / (o.segment?.count ?? 1) } : {}),
        ...(o.segment ? { segment: o.segment } : {}),
      });
    }
    if (this.interrupted) this.engine.stop();
    this.emit('start', { startedAt, model });

    let warmed = o.warmupMs === 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      recorder.tick(now);
      if (!warmed && now >= windowStart) {
        warmed = true;
        this.emit('warmupDone');
      }
      this.emit('tick', this.snapshot(recorder, now, windowStart, windowEnd, measuredMs));
    }, TICK_MS);
    let generator;
    try {
      generator = await this.engine.done;
    } finally {
      clearInterval(ticker);
      edges?.cancel();
    }
    const endMs = Math.min(countReachedAt ?? performance.now(), windowEnd);
    recorder.close();
    const server: ServerFigures = scraper
      ? await scraper.stop(windowStart, endMs)
      : { available: false, reason: 'scraping disabled', scrapes: 0 };
    const result = aggregate(recorder, {
      scenario: {
        name: o.scenario.name,
        description: o.scenario.description,
        ...(o.scenario.source ? { source: o.scenario.source } : {}),
      },
      config: {
        target: o.target,
        model,
        ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
        ...(o.requests !== undefined ? { requests: o.requests } : {}),
        warmupMs: o.warmupMs,
        timeoutMs: o.timeoutMs,
        thresholds: o.thresholds,
      },
      environment: collectEnvironment({ url: o.target, ...info }),
      status: this.interrupted && countReachedAt === undefined ? 'interrupted' : 'complete',
      startedAt,
      endedAt: new Date().toISOString(),
      durationMs: Math.max(0, endMs - windowStart),
      generator,
      server,
      thresholds: this.thresholds,
    });
    if (o.segment) result.segment = o.segment;
    this.emit('done', result);
    return result;
  }

  private snapshot(
    r: Recorder,
    now: number,
    windowStart: number,
    windowEnd: number,
    measuredMs?: number,
  ): ProgressSnapshot {
    const elapsedMs = Math.max(0, now - windowStart);
    const last = r.series[r.series.length - 1];
    const total = r.totalHistogram();
    const p99 = summarize(total).p99;
    total.destroy();
    return {
      elapsedMs,
      remainingMs: measuredMs === undefined ? undefined : Math.max(0, windowEnd - now),
      warmingUp: now < windowStart,
      requests: r.requests,
      errors: r.errors,
      rps: last?.requests ?? 0,
      p99,
      inFlight: this.engine?.inFlight() ?? 0,
      ...(this.engine?.sendLagMs ? { sendLagMs: this.engine.sendLagMs() } : {}),
    };
  }
}

/** Timers for the window-edge scrapes; an early end (count reached, stop) takes the end scrape itself. */
function scrapeAtEdges(
  scraper: Scraper,
  windowStart: number,
  windowEnd: number | undefined,
): { cancel(): void } {
  const now = performance.now();
  if (windowStart <= now) void scraper.markStart(true);
  const start = setTimeout(() => void scraper.markStart(), Math.max(0, windowStart - now));
  const end =
    windowEnd === undefined
      ? undefined
      : setTimeout(() => void scraper.markEnd(), Math.max(0, windowEnd - now));
  return {
    cancel() {
      clearTimeout(start);
      clearTimeout(end);
    },
  };
}

/** Starts a load run; see LoadRun. */
export function run(options: RunOptions): LoadRun {
  return new LoadRun(options);
}
