import { setTimeout as delay } from 'node:timers/promises';
import {
  evaluateResponse,
  needsBody,
  parseJson,
  renderStepCached,
  stepThinkMs,
} from '../scenario-runtime/step-runtime.js';
import type { VirtualUser } from '../scenario-runtime/virtual-user.js';
import type { Verdict } from '../scenario-runtime/step-runtime.js';
import { pollMet, pollVerdict } from '../scenario-runtime/poll.js';
import type { Outcome } from '../stats/recorder.js';
import type { FlowDefinition, StepDefinition, StepResponse } from '../types.js';
import type { EngineInput } from './engine-types.js';
import { splitTarget } from './engine-types.js';
import { classifyError, errorReason, templateReason } from './error-kind.js';
import type { GrowingPool } from './growing-pool.js';
import { sendRequest } from './http-send.js';

export interface FlowRunner {
  /**
   * Runs one iteration of `flow` as `user`. The first request is timed from
   * `firstSentAt` (the open model's slot); later ones from their own send,
   * since they depend on earlier answers. `thinkAfterLast`: the closed
   * model's users also pause before their next iteration.
   */
  iteration(
    flow: FlowDefinition<unknown>,
    user: VirtualUser,
    firstSentAt: number,
    thinkAfterLast: boolean,
  ): Promise<void>;
}

interface Attempt {
  outcome: Outcome;
  /** When the answer (or the failure) came, performance.now(). */
  now: number;
  /** Absent when no answer came (transport error, throwing template). */
  response?: StepResponse;
  verdict?: Verdict;
}

/**
 * The undici engine's per-step work, shared by the open model and the paced
 * closed model: render, send through the pool, check, capture, record.
 */
export function createFlowRunner(
  input: EngineInput,
  pool: GrowingPool,
  isStopped: () => boolean,
  signal: AbortSignal,
): FlowRunner {
  const { origin, basePath } = splitTarget(input.target);
  const { scenario } = input;
  const cookies = scenario.cookies === true;
  // Steps whose sample request the results already hold: building the string for every request would cost.
  const sampled = new Set<string>();

  const think = async (ms: number): Promise<void> => {
    if (ms > 0) await delay(ms, undefined, { signal }).catch(() => undefined);
  };

  /** One request of a step, checked and captured, not yet recorded: a poll records only its last. */
  async function attempt(step: StepDefinition<unknown>, user: VirtualUser, sentAt: number): Promise<Attempt> {
    let rendered;
    try {
      rendered = renderStepCached(step, user.context(input.data));
    } catch (err) {
      return { outcome: { error: 'other', reason: templateReason(err) }, now: performance.now() };
    }
    const path = basePath + rendered.path;
    let headers = rendered.headers;
    const cookie = cookies ? user.cookieHeader(origin + path) : undefined;
    // The rendered request may be shared between users (a static step): copy before adding to it.
    if (cookie !== undefined) headers = { ...headers, cookie };
    const wantBody = needsBody(step);
    const acquired = pool.acquire();
    const slot = acquired instanceof Promise ? await acquired : acquired;
    try {
      const res = await sendRequest(
        slot.client,
        {
          path,
          method: rendered.method,
          headers,
          body: rendered.body,
          headersTimeout: input.timeoutMs,
          bodyTimeout: input.timeoutMs,
        },
        wantBody,
      );
      const now = performance.now();
      if (cookies) user.storeCookies(origin + path, res.headers);
      const json = wantBody ? parseJson(res.text) : undefined;
      const response = { status: res.status, headers: res.headers, text: res.text, json };
      const verdict = evaluateResponse(step, response, user.vars);
      const outcome: Outcome = {
        latencyUs: (now - sentAt) * 1000,
        status: res.status,
        error: verdict.error,
        sample: sampled.has(step.name) ? undefined : `${rendered.method} ${path}`,
        reason: verdict.reason,
        checks: verdict.checks,
      };
      return { now, response, verdict, outcome };
    } catch (err) {
      const now = performance.now();
      const kind = classifyError(err);
      // A timeout is a (lower bound of a) latency; a refused connection is not.
      const latencyUs = kind === 'timeout' ? (now - sentAt) * 1000 : undefined;
      return { now, outcome: { error: kind, latencyUs, reason: errorReason(err) } };
    } finally {
      pool.release(slot);
    }
  }

  /**
   * A step's requests and its one recorded outcome: one request, or a poll's
   * requests until `until` holds, the attempts run out or one fails. Every
   * attempt is timed from `sentAt`, so a poll's latency is its time to the condition.
   */
  async function send(step: StepDefinition<unknown>, user: VirtualUser, sentAt: number): Promise<boolean> {
    let a = await attempt(step, user, sentAt);
    const poll = step.poll;
    if (poll) {
      let attempts = 1;
      while (a.response && a.verdict?.error === undefined) {
        const met = pollMet(poll, a.response, user.vars);
        if (met === false && attempts < poll.maxAttempts) {
          await think(poll.intervalMs);
          // Stopped mid-poll: abandoned, like a request in flight at the end.
          if (isStopped()) return false;
          attempts++;
          a = await attempt(step, user, sentAt);
          continue;
        }
        const verdict = pollVerdict(a.verdict ?? {}, met, attempts);
        a.outcome.error = verdict.error;
        a.outcome.reason = verdict.reason;
        a.outcome.checks = verdict.checks;
        break;
      }
      a.outcome.attempts = attempts;
    }
    const { outcome } = a;
    // Warm-up answers are not recorded, so their sample does not count as kept.
    if (!isStopped() && input.onOutcome(step.name, outcome, sentAt, a.now) && outcome.sample !== undefined)
      sampled.add(step.name);
    return outcome.error === undefined;
  }

  return {
    async iteration(flow, user, firstSentAt, thinkAfterLast) {
      let sentAt: number | undefined = firstSentAt;
      for (let i = 0; i < flow.steps.length && !isStopped(); i++) {
        const step = flow.steps[i] as StepDefinition<unknown>;
        if (user.skips(step)) continue;
        const ok = await send(step, user, sentAt ?? performance.now());
        sentAt = undefined;
        if (!ok) break;
        user.succeeded(step);
        if (i < flow.steps.length - 1 || thinkAfterLast) {
          await think(stepThinkMs(step, scenario.thinkTime, Math.random()));
        }
      }
      user.iteration++;
    },
  };
}
