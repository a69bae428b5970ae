import { setTimeout as delay } from 'node:timers/promises';
import {
  evaluateResponse,
  needsBody,
  parseJson,
  renderStepCached,
  stepThinkMs,
} from '../scenario-runtime/step-runtime.js';
import type { VirtualUser } from '../scenario-runtime/virtual-user.js';
import type { FlowDefinition, StepDefinition } from '../types.js';
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

  async function send(step: StepDefinition<unknown>, user: VirtualUser, sentAt: number): Promise<boolean> {
    let rendered;
    try {
      rendered = renderStepCached(step, user.context(input.data));
    } catch (err) {
      input.onOutcome(step.name, { error: 'other', reason: templateReason(err) }, sentAt, performance.now());
      return false;
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
      const verdict = evaluateResponse(
        step,
        { status: res.status, headers: res.headers, text: res.text, json },
        user.vars,
      );
      if (!isStopped()) {
        const sample = sampled.has(step.name) ? undefined : `${rendered.method} ${path}`;
        const outcome = {
          latencyUs: (now - sentAt) * 1000,
          status: res.status,
          error: verdict.error,
          sample,
          reason: verdict.reason,
          checks: verdict.checks,
        };
        // Warm-up answers are not recorded, so their sample does not count as kept.
        if (input.onOutcome(step.name, outcome, sentAt, now) && sample !== undefined) sampled.add(step.name);
      }
      return verdict.error === undefined;
    } catch (err) {
      const now = performance.now();
      const kind = classifyError(err);
      // A timeout is a (lower bound of a) latency; a refused connection is not.
      const latencyUs = kind === 'timeout' ? (now - sentAt) * 1000 : undefined;
      if (!isStopped())
        input.onOutcome(step.name, { error: kind, latencyUs, reason: errorReason(err) }, sentAt, now);
      return false;
    } finally {
      pool.release(slot);
    }
  }

  const think = async (ms: number): Promise<void> => {
    if (ms > 0) await delay(ms, undefined, { signal }).catch(() => undefined);
  };

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
