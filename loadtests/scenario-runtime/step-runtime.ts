import { USER_AGENT, USER_AGENT_HEADER } from '../engine/user-agent.js';
import type {
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
  }
  return { method: step.method ?? (body === undefined ? 'GET' : 'POST'), path, headers, body };
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
      typeof step.body !== 'function';
    cached = isStatic ? renderStep(step, ctx) : null;
    staticCache.set(step, cached);
  }
  return cached ?? renderStep(step, ctx);
}

/** Whether the engine must buffer the body (otherwise it is drained unread, which is cheaper). */
export function needsBody(step: StepDefinition<unknown>): boolean {
  return step.capture !== undefined || step.check?.json !== undefined || step.check?.custom !== undefined;
}

export function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface Verdict {
  error?: ErrorKind;
  reason?: string;
}

/**
 * Applies the step's checks and captures. Captures are written into `vars`
 * only when every check passed, so later steps never see half a login.
 */
export function evaluateResponse(step: StepDefinition<unknown>, res: StepResponse, vars: Vars): Verdict {
  const is2xx = res.status >= 200 && res.status < 300;
  const expected = step.check?.status;
  if (expected !== undefined) {
    const ok = Array.isArray(expected) ? expected.includes(res.status) : expected === res.status;
    if (!ok) return { error: is2xx ? 'checkFailed' : 'non2xx', reason: `status ${res.status}` };
  } else if (!is2xx) {
    return { error: 'non2xx', reason: `status ${res.status}` };
  }
  for (const [path, want] of Object.entries(step.check?.json ?? {})) {
    const got = getPath(res.json, path);
    const ok = want === true ? got !== undefined && got !== null : Object.is(got, want);
    if (!ok) return { error: 'checkFailed', reason: `json ${path}` };
  }
  if (step.check?.custom) {
    const out = safeCall(() => step.check?.custom?.(res));
    if (out !== true) return { error: 'checkFailed', reason: typeof out === 'string' ? out : 'custom check' };
  }
  const captured: Vars = {};
  for (const [name, how] of Object.entries(step.capture ?? {})) {
    const value = typeof how === 'function' ? safeCall(() => how(res)) : getPath(res.json, how);
    if (value === undefined || value === null || value instanceof Error) {
      return { error: 'checkFailed', reason: `capture ${name}` };
    }
    captured[name] = value;
  }
  Object.assign(vars, captured);
  return {};
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
