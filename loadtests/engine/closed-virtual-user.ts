import { evaluateResponse, needsBody, parseJson, renderStep } from '../scenario-runtime/step-runtime.js';
import type { Verdict } from '../scenario-runtime/step-runtime.js';
import { templateReason } from './error-kind.js';
import type { Outcome } from '../stats/recorder.js';
import type { ErrorKind, FlowDefinition, Scenario, StepDefinition, Vars } from '../types.js';

type Record_ = (step: string, outcome: Outcome, sentAtMs: number) => void;

interface Pending {
  step: StepDefinition<unknown>;
  sentAt: number;
  status?: number;
  error?: ErrorKind;
  answered: boolean;
  sample?: string;
  reason?: string;
  checks?: Verdict['checks'];
}

/**
 * The state of one closed-model connection: which flow and step it is on and
 * what it captured. autocannon calls `next()` for every request it writes,
 * `onResponse` with the body, then emits the timing (`onTimed`); a lost
 * request shows up as `next()` being called while one is still pending.
 */
export class ClosedVirtualUser {
  private flow: FlowDefinition<unknown> | undefined;
  private stepIndex = 0;
  private readonly vars: Vars = {};
  private readonly done = new Set<StepDefinition<unknown>>();
  private iteration = -1;
  private pending: Pending | undefined;
  private lost: Pending | undefined;
  private failed = false;

  constructor(
    private readonly index: number,
    private readonly scenario: Scenario,
    private readonly data: unknown,
    private readonly pick: (r: number) => FlowDefinition<unknown>,
    private readonly basePath: string,
    private readonly record: Record_,
  ) {}

  next(): { method: string; path: string; headers: Record<string, string>; body?: string } {
    if (this.pending && !this.pending.answered) {
      // The connection was torn down under this request. autocannon emits
      // 'timeout' right after asking for the next request; anything else
      // that gets here (server closed the socket) is a reset.
      const lost = this.pending;
      this.lost = lost;
      queueMicrotask(() => {
        if (this.lost === lost) this.lost = undefined;
        if (lost.error === undefined) this.record(lost.step.name, { error: 'reset' }, lost.sentAt);
      });
      this.failed = true;
    }
    // A user keeps its variables across iterations (log in once, then loop); `once` steps it got through are skipped.
    while (
      this.flow?.steps[this.stepIndex]?.once &&
      this.done.has(this.flow.steps[this.stepIndex] as StepDefinition<unknown>)
    ) {
      this.stepIndex++;
    }
    if (this.flow === undefined || this.failed || this.stepIndex >= this.flow.steps.length) {
      this.flow = this.pick(Math.random());
      this.stepIndex = 0;
      this.iteration++;
      this.failed = false;
      while (
        this.flow.steps[this.stepIndex]?.once &&
        this.done.has(this.flow.steps[this.stepIndex] as StepDefinition<unknown>)
      ) {
        this.stepIndex++;
      }
      // A flow of nothing but done `once` steps: send its last one again rather than nothing.
      if (this.stepIndex >= this.flow.steps.length) this.stepIndex = this.flow.steps.length - 1;
    }
    const step = this.flow.steps[this.stepIndex++] as StepDefinition<unknown>;
    this.pending = { step, sentAt: performance.now(), answered: false };
    try {
      const r = renderStep(step, {
        data: this.data,
        vars: this.vars,
        vu: this.index,
        iteration: this.iteration,
      });
      this.pending.sample = `${r.method} ${this.basePath + r.path}`;
      return {
        method: r.method,
        path: this.basePath + r.path,
        headers: r.headers,
        ...(r.body ? { body: r.body } : {}),
      };
    } catch (err) {
      // A throwing template is a scenario bug: count it and send the flow's
      // first request instead, since autocannon needs something to write.
      this.record(step.name, { error: 'other', reason: templateReason(err) }, performance.now());
      this.flow = undefined;
      return this.next();
    }
  }

  onResponse(status: number, body: string, headers: Record<string, string>): void {
    const p = this.pending;
    if (!p) return;
    p.answered = true;
    p.status = status;
    const wantBody = needsBody(p.step);
    const verdict = evaluateResponse(
      p.step,
      { status, headers, text: body, json: wantBody ? parseJson(body) : undefined },
      this.vars,
    );
    p.error = verdict.error;
    p.reason = verdict.reason;
    p.checks = verdict.checks;
    if (verdict.error) this.failed = true;
    else if (p.step.once) this.done.add(p.step);
  }

  onTimed(durationMs: number): void {
    const p = this.pending;
    if (!p || p.status === undefined) return;
    this.record(
      p.step.name,
      {
        latencyUs: durationMs * 1000,
        status: p.status,
        error: p.error,
        sample: p.sample,
        reason: p.reason,
        checks: p.checks,
      },
      p.sentAt,
    );
    this.pending = undefined;
  }

  onError(kind: ErrorKind): void {
    const p = this.lost ?? this.pending;
    if (!p || p.error !== undefined) return;
    this.lost = undefined;
    p.error = kind;
    p.answered = true;
    if (p === this.pending) this.failed = true;
    this.record(p.step.name, { error: kind }, p.sentAt);
  }

  /** Nothing to flush today; kept so the engine can end every user the same way. */
  settle(): void {
    this.pending = undefined;
  }
}
