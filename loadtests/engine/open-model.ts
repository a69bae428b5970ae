import type { Histogram } from 'hdr-histogram-js';
import { flowPicker } from '../scenario-runtime/step-runtime.js';
import { VirtualUser } from '../scenario-runtime/virtual-user.js';
import { createHistogram, recordMicros, summarize } from '../stats/histogram.js';
import type { GeneratorHealth, Segment } from '../types.js';
import { ownsArrival } from './segment.js';
import type { EngineInput, EngineRun } from './engine-types.js';
import { splitTarget } from './engine-types.js';
import { createFlowRunner } from './flow-runner.js';
import { GrowingPool } from './growing-pool.js';
import { sendLagReasons } from './send-lag.js';
import type { Timeline } from './schedule.js';

export interface OpenModelInput extends EngineInput {
  timeline: Timeline;
  maxConnections: number;
  maxSendLagMs: number;
  /** Send lag is judged from here on (performance.now()); warm-up lag is JIT noise. */
  measureFromMs: number;
  preciseTiming: boolean;
  /** Nominal rate for the health report (constant-rate runs). */
  targetRps?: number;
  /** Only every N-th arrival of the timeline is this generator's. */
  segment?: Segment;
}

/**
 * Open model: arrival k starts a flow iteration at its slot on the timeline,
 * whether or not earlier iterations have finished. The first step's latency
 * is measured from the slot, not from the moment a connection was free,
 * which is the coordinated-omission correction. Later steps of the
 * iteration depend on earlier answers, so they are timed from their own send.
 *
 * Connections come from a GrowingPool (one more whenever all are busy, up to
 * maxConnections). Iterations in flight are capped at the same number; an
 * arrival beyond the cap is dropped and counted, and the run is flagged as
 * not keeping up.
 */
export function startOpenModel(input: OpenModelInput): EngineRun {
  const { origin } = splitTarget(input.target);
  const pool = new GrowingPool(origin, input.maxConnections, input.timeoutMs);
  const pick = flowPicker(input.scenario.flows);
  const lag: Histogram = createHistogram();
  let worstLagMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let dropped = 0;
  let started = 0;
  let firstDue: number | undefined;
  let lastDue = 0;
  let k = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const abort = new AbortController();
  let resolveDone!: () => void;
  const settled = new Promise<void>((r) => (resolveDone = r));

  const maybeFinish = (): void => {
    if (inFlight === 0 && (stopped || input.timeline.timeOf(k) === undefined)) resolveDone();
  };

  const runner = createFlowRunner(input, pool, () => stopped, abort.signal);
  // session 'user': idle users (with their variables, cookies, once steps) wait here for the next arrival.
  const reuse = input.scenario.session === 'user';
  const idleUsers: VirtualUser[] = [];
  let users = 0;
  const cookies = input.scenario.cookies === true;

  async function iteration(slotMs: number, k: number): Promise<void> {
    const flow = pick(Math.random());
    const user = reuse ? (idleUsers.pop() ?? new VirtualUser(users++, cookies)) : new VirtualUser(k, cookies);
    await runner.iteration(flow, user, slotMs, false);
    if (reuse) idleUsers.push(user);
  }

  const finished = (): void => {
    inFlight--;
    maybeFinish();
  };

  const pump = (): void => {
    timer = undefined;
    immediate = undefined;
    if (stopped) return;
    const now = performance.now() - input.startMs;
    let due = input.timeline.timeOf(k);
    while (due !== undefined && due <= now) {
      if (!ownsArrival(k, input.segment)) {
        due = input.timeline.timeOf(++k);
        continue;
      }
      // Health is judged on the measured window only: warm-up is where JIT and
      // connection set-up hiccups belong.
      const measured = input.startMs + due >= input.measureFromMs;
      if (measured) {
        recordMicros(lag, (now - due) * 1000);
        if (now - due > worstLagMs) worstLagMs = now - due;
        firstDue ??= due;
        lastDue = due;
      }
      if (inFlight >= input.maxConnections) {
        if (measured) dropped++;
      } else {
        if (measured) started++;
        inFlight++;
        if (measured && inFlight > maxInFlight) maxInFlight = inFlight;
        iteration(input.startMs + due, k).then(finished, finished);
      }
      k++;
      due = input.timeline.timeOf(k);
    }
    // Sleep until this segment's next arrival, not another segment's.
    while (due !== undefined && !ownsArrival(k, input.segment)) due = input.timeline.timeOf(++k);
    if (due === undefined) {
      maybeFinish();
      return;
    }
    // Timers have 1 ms resolution. With preciseTiming an arrival due sooner
    // than that is started from the check phase, right after pending I/O:
    // sub-millisecond send lag, for the price of a busy core.
    if (input.preciseTiming && due - now < 1) immediate = setImmediate(pump);
    else timer = setTimeout(pump, due - now - 0.5);
  };
  timer = setTimeout(pump, Math.max(0, input.startMs - performance.now()));

  const done = settled.then(async (): Promise<GeneratorHealth> => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    const connections = pool.size;
    await pool.close();
    const s = summarize(lag);
    lag.destroy();
    const samples = lag.totalCount;
    const gapMs = samples > 1 && firstDue !== undefined ? (lastDue - firstDue) / (samples - 1) : undefined;
    const reasons = sendLagReasons(s.p99, samples, gapMs, input.maxSendLagMs);
    if (dropped > 0)
      reasons.push(`${dropped} arrivals dropped: ${input.maxConnections} iterations already in flight`);
    else if (maxInFlight >= input.maxConnections)
      reasons.push(`connection cap ${input.maxConnections} reached`);
    return {
      keptUp: reasons.length === 0,
      reasons,
      sendLag: { p50: s.p50, p99: s.p99, max: s.max, samples },
      dropped,
      flowsStarted: started,
      maxInFlight,
      connections,
      connectionsCap: input.maxConnections,
      ...(input.targetRps !== undefined ? { targetRps: input.targetRps } : {}),
    };
  });

  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      resolveDone();
    },
    inFlight: () => inFlight,
    sendLagMs() {
      const worst = worstLagMs;
      worstLagMs = 0;
      return worst;
    },
  };
}
