import { USER_AGENT, USER_AGENT_HEADER } from '../engine/user-agent.js';
import type {
  ThinkTime,
  ErrorKind,
  FlowDefinition,
  HttpMethod,
  StepContext,
  StepDefinition,
  StepResponse,
  Vars,
} from '../types.js';

export interface RenderedRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

function resolve<T>(value: T | ((ctx: StepContext<unknown>) => T), ctx: StepContext<unknown>): T {
  return typeof value === 'function' ? (value as (ctx: StepContext<unknown>) => T)(ctx) : value;
}

/** Reads `a.b.0.c` from parsed JSON; undefined when any hop is missing. */
export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function renderStep(step: StepDefinition<unknown>, ctx: StepContext<unknown>): RenderedRequest {
  const rawPath = resolve(step.path, ctx);
  const path = rawPath.replace(PLACEHOLDER, (_, name: string) =>
    encodeURIComponent(String(getPath(ctx.vars, name) ?? '')),
  );
  const headers: Record<string, string> = {
    [USER_AGENT_HEADER]: USER_AGENT,
    ...(step.headers === undefined ? {} : resolve(step.headers, ctx)),
  };
  // A step's own User-Agent wins, whatever its case.
  if (
    step.headers !== undefined &&
    Object.keys(headers).some((k) => k !== USER_AGENT_HEADER && k.toLowerCase() === USER_AGENT_HEADER)
  ) {
    delete headers[USER_AGENT_HEADER];
  }
  let body: string | undefined;
  if (step.body !== undefined) {
    body = JSON.stringify(resolve(step.body, ctx));
    headers['content-type'] ??= 'application/json';
  } else if (step.form !== undefined) {
    const fields = Object.entries(resolve(step.form, ctx)).map(([k, v]): [string, string] => [k, String(v)]);
    body = new URLSearchParams(fields).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (step.rawBody !== undefined) {
    body = resolve(step.rawBody, ctx);
    headers['content-type'] ??= 'text/plain';
  }
  return { method: step.method ?? (body === undefined ? 'GET' : 'POST'), path, headers, body };
}

/** Think time after `step`: its own, else the scenario's. */
export function stepThinkMs(
  step: StepDefinition<unknown>,
  scenarioThink: ThinkTime | undefined,
  r: number,
): number {
  return thinkTimeMs(step.thinkTime ?? scenarioThink, r);
}

const staticCache = new WeakMap<StepDefinition<unknown>, RenderedRequest | null>();

/**
 * renderStep, but a step with no templates at all is rendered once and the
 * same object reused: at 10k req/s the per-request allocations show.
 * Callers must not mutate the result.
 */
export function renderStepCached(step: StepDefinition<unknown>, ctx: StepContext<unknown>): RenderedRequest {
  let cached = staticCache.get(step);
  if (cached === undefined) {
    const isStatic =
      typeof step.path === 'string' &&
      !step.path.includes('{{') &&
      typeof step.headers !== 'function' &&
      typeof step.body !== 'function' &&
      typeof step.form !== 'function' &&
      typeof step.rawBody !== 'function';
    cached = isStatic ? renderStep(step, ctx) : null;
    staticCache.set(step, cached);
  }
  return cached ?? renderStep(step, ctx);
}

/** Whether the engine must buffer the body (otherwise it is drained unread, which is cheaper). */
export function needsBody(step: StepDefinition<unknown>): boolean {
  return (
    step.capture !== undefined ||
    step.check?.json !== undefined ||
    step.check?.custom !== undefined ||
    step.poll !== undefined
  );
}

export function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A named check and whether this response passed it. */
export type CheckOutcome = readonly [name: string, passed: boolean];

export interface Verdict {
  error?: ErrorKind;
  /** What failed first, for the result's sample failure messages. */
  reason?: string;
  /** Every named check of the step, each evaluated (for pass rates); absent when the step has none. */
  checks?: CheckOutcome[];
}

const describeValue = (v: unknown): string => {
  const text = v === undefined ? 'missing' : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/**
 * Applies the step's checks and captures. Every named check is evaluated so
 * each gets a pass rate; the verdict is the first failure. Captures are
 * written into `vars` only when every check passed, so later steps never see
 * half a login.
 */
export function evaluateResponse(step: StepDefinition<unknown>, res: StepResponse, vars: Vars): Verdict {
  const check = step.check;
  const is2xx = res.status >= 200 && res.status < 300;
  let verdict: Verdict = {};
  const fail = (error: ErrorKind, reason: string): void => {
    if (verdict.error === undefined) verdict = { ...verdict, error, reason };
  };
  const checks: CheckOutcome[] | undefined = check || step.capture ? [] : undefined;
  const expected = check?.status;
  if (expected !== undefined) {
    const ok = Array.isArray(expected) ? expected.includes(res.status) : expected === res.status;
    checks?.push([`status ${Array.isArray(expected) ? expected.join('|') : String(expected)}`, ok]);
    if (!ok) fail(is2xx ? 'checkFailed' : 'non2xx', `status ${res.status}`);
  } else if (!is2xx) {
    fail('non2xx', `status ${res.status}`);
  }
  for (const [path, want] of Object.entries(check?.json ?? {})) {
    const got = getPath(res.json, path);
    const ok = want === true ? got !== undefined && got !== null : Object.is(got, want);
    checks?.push([`json ${path}`, ok]);
    if (!ok)
      fail(
        'checkFailed',
        `json ${path}: expected ${want === true ? 'present' : describeValue(want)}, got ${describeValue(got)}`,
      );
  }
  const custom = check?.custom;
  const customs = typeof custom === 'function' ? [['custom', custom] as const] : Object.entries(custom ?? {});
  for (const [name, fn] of customs) {
    const out = safeCall(() => fn(res));
    checks?.push([name, out === true]);
    if (out !== true) {
      const why =
        typeof out === 'string' ? out : out instanceof Error ? `threw ${out.message}` : 'returned false';
      fail('checkFailed', `${name}: ${why}`);
    }
  }
  const captured: Vars = {};
  for (const [name, how] of Object.entries(step.capture ?? {})) {
    const value = typeof how === 'function' ? safeCall(() => how(res)) : getPath(res.json, how);
    const ok = !(value === undefined || value === null || value instanceof Error);
    checks?.push([`capture ${name}`, ok]);
    if (!ok)
      fail(
        'checkFailed',
        `capture ${name}: ${value instanceof Error ? `threw ${value.message}` : 'nothing there'}`,
      );
    else captured[name] = value;
  }
  if (verdict.error === undefined) Object.assign(vars, captured);
  return checks ? { ...verdict, checks } : verdict;
}

// A throwing user callback must count as a failed check, never crash the generator.
function safeCall<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Cumulative weights for O(log n)-free weighted choice; flows are few. */
export function flowPicker<T>(flows: readonly FlowDefinition<T>[]): (r: number) => FlowDefinition<T> {
  const total = flows.reduce((s, f) => s + (f.weight ?? 1), 0);
  return (r) => {
    let x = r * total;
    for (const f of flows) {
      x -= f.weight ?? 1;
      if (x < 0) return f;
    }
    return flows[flows.length - 1] as FlowDefinition<T>;
  };
}

export function thinkTimeMs(t: number | { min: number; max: number } | undefined, r: number): number {
  if (t === undefined) return 0;
  if (typeof t === 'number') return t;
  return t.min + (t.max - t.min) * r;
}
