import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import {
  evaluateResponse,
  flowPicker,
  needsBody,
  parseJson,
  renderStep,
} from '../scenario-runtime/step-runtime.js';
import type { RenderedRequest, Verdict } from '../scenario-runtime/step-runtime.js';
import type { Outcome } from '../stats/recorder.js';
import type { FlowDefinition, GeneratorHealth, StepDefinition } from '../types.js';
import type { EngineInput, EngineRun } from './engine-types.js';
import { splitTarget } from './engine-types.js';
import { classifyError } from './error-kind.js';
import { ClosedVirtualUser } from './closed-virtual-user.js';
import { needsPacing, startPacedClosedModel } from './paced-closed-model.js';

export interface ClosedModelInput extends EngineInput {
  connections: number;
}

/** A single static step can be pre-built once by autocannon, which keeps raw autocannon's speed. */
function staticRequest(
  flows: readonly FlowDefinition<unknown>[],
  basePath: string,
): RenderedRequest | undefined {
  const only = flows.length === 1 && flows[0]?.steps.length === 1 ? flows[0].steps[0] : undefined;
  if (!only || typeof only.path === 'function' || only.path.includes('{{')) return undefined;
  if (typeof only.headers === 'function' || typeof only.body === 'function' || only.capture) return undefined;
  if (typeof only.form === 'function' || typeof only.rawBody === 'function') return undefined;
  const r = renderStep(only, { data: undefined, vars: {}, vu: 0, iteration: 0 });
  return { ...r, path: basePath + r.path };
}

/**
 * Closed model on autocannon: each connection is a virtual user that sends
 * its next request when the previous one answered. Multi-step flows ride on
 * autocannon's per-client hooks: `setupClient` gives every connection its own
 * request list whose `setupRequest` asks that user's state machine for the
 * next step, and `onResponse` feeds captures back into it. Latency is the
 * client's own hrtime measurement, reported in microseconds.
 */
export function startClosedModel(input: ClosedModelInput): EngineRun {
  if (needsPacing(input.scenario)) return startPacedClosedModel(input);
  const { origin, basePath } = splitTarget(input.target);
  const picker = flowPicker(input.scenario.flows);
  const fixed = staticRequest(input.scenario.flows, basePath);
  const fixedStep = fixed ? (input.scenario.flows[0]?.steps[0] as StepDefinition<unknown>) : undefined;
  const users: ClosedVirtualUser[] = [];
  let stopped = false;

  const record = (step: string, outcome: Outcome, sentAt: number): void => {
    if (!stopped) input.onOutcome(step, outcome, sentAt, performance.now());
  };

  const setupClient = (client: autocannon.Client): void => {
    const events = client as unknown as EventEmitter;
    if (fixed && fixedStep) {
      const wantBody = needsBody(fixedStep);
      const sample = `${fixed.method} ${fixed.path}`;
      let verdict: Verdict = {};
      if (wantBody) {
        client.setRequests([
          {
            ...fixed,
            onResponse: (status: number, body: string, _ctx: unknown, headers: Record<string, string>) => {
              verdict = evaluateResponse(
                fixedStep,
                { status, headers, text: body, json: parseJson(body) },
                {},
              );
            },
          } as unknown as autocannon.Request,
        ]);
      }
      events.on('response', (status: number, _bytes: number, durationMs: number) => {
        const error = wantBody ? verdict.error : status >= 200 && status < 300 ? undefined : 'non2xx';
        const reason = wantBody ? verdict.reason : error && `status ${status}`;
        record(
          fixedStep.name,
          { latencyUs: durationMs * 1000, status, error, sample, reason, checks: verdict.checks },
          performance.now() - durationMs,
        );
      });
      const onFail = (err: unknown): void =>
        record(
          fixedStep.name,
          { error: err === 'timeout' ? 'timeout' : classifyError(err) },
          performance.now(),
        );
      events.on('connError', onFail);
      events.on('timeout', () => onFail('timeout'));
      return;
    }
    const vu = new ClosedVirtualUser(users.length, input.scenario, input.data, picker, basePath, record);
    users.push(vu);
    client.setRequests([
      {
        setupRequest: () => vu.next(),
        onResponse: (status: number, body: string, _ctx: unknown, headers: Record<string, string>) =>
          vu.onResponse(status, body, headers),
      } as unknown as autocannon.Request,
    ]);
    events.on('response', (_status: number, _bytes: number, durationMs: number) => vu.onTimed(durationMs));
    events.on('connError', (err: unknown) => vu.onError(classifyError(err)));
    events.on('timeout', () => vu.onError('timeout'));
  };

  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  const instance = autocannon(
    {
      url: origin + (fixed?.path ?? '/'),
      method: fixed?.method ?? 'GET',
      ...(fixed?.headers ? { headers: fixed.headers } : {}),
      ...(fixed?.body !== undefined ? { body: fixed.body } : {}),
      connections: input.connections,
      pipelining: 1,
      duration: Math.max(1, input.totalMs / 1000),
      timeout: Math.max(1, Math.ceil(input.timeoutMs / 1000)),
      setupClient,
    },
    () => resolveDone(),
  );
  // autocannon ends on its 1 s ticker; the orchestrator ignores answers past the window.
  const endTimer = setTimeout(
    () => instance.stop(),
    Math.max(0, input.startMs + input.totalMs - performance.now()),
  );

  const done = finished.then((): GeneratorHealth => {
    clearTimeout(endTimer);
    for (const vu of users) vu.settle();
    return { keptUp: true, reasons: [], dropped: 0, maxInFlight: input.connections };
  });
  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      instance.stop();
    },
    inFlight: () => input.connections,
  };
}
