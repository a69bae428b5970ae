import { afterEach, describe, expect, it } from 'vitest';
import { needsPacing } from '../../../loadtests/engine/paced-closed-model.js';
import { run } from '../../../loadtests/run.js';
import { POLL_CHECK } from '../../../loadtests/scenario-runtime/poll.js';
import type { LoadModel } from '../../../loadtests/types.js';
import { pollScenario, startPollServer } from '../helpers/poll-server.js';
import type { TestServer } from '../helpers/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// Node timers run on the event loop's whole-millisecond clock, so a sleep can end up to a
// millisecond before its wall-clock deadline: the floor of k-1 pauses allows that much each.
const TIMER_SLACK_MS = 1;
const floorMs = (pauses: number, intervalMs: number): number => pauses * (intervalMs - TIMER_SLACK_MS);

const open = (rate: number): LoadModel => ({ kind: 'open', rate, maxConnections: 32, maxSendLagMs: 50 });
const closed = (connections: number): LoadModel => ({ kind: 'closed', connections });

describe.each([
  ['open model', open(10), 300],
  ['closed model (paced)', closed(2), 400],
] as const)('poll, %s', (_label, model, durationMs) => {
  it('sends k requests when the condition holds on attempt k, and times the step to it', async () => {
    server = await startPollServer();
    const k = 3;
    const intervalMs = 20;
    const scenario = pollScenario({ after: k, intervalMs, maxAttempts: 10 });
    const r = await run({ target: server.url, scenario, model, durationMs, scrape: false }).finished;
    const ep = r.endpoints.settled;
    expect(r.totals.errors).toBe(0);
    expect(ep?.requests).toBeGreaterThanOrEqual(2);
    // One outcome per poll in every count; the requests behind them are the polls' attempts.
    expect(r.totals.requests).toBe(ep?.requests);
    expect(ep?.polls).toEqual({ attempts: k * (ep?.requests ?? 0), max: k });
    expect(ep?.checks?.[POLL_CHECK]).toEqual({ passes: ep?.requests, fails: 0 });
    // Its latency is the time to the condition: k-1 pauses at least, never one request's time.
    expect(ep?.latency.min).toBeGreaterThanOrEqual(floorMs(k - 1, intervalMs));
    expect(ep?.latency.max).toBeLessThan(1000);
    if (model.kind === 'open') {
      // The open model waits for its last flow: every request the server saw was recorded.
      expect(server.hits.get('/poll')).toBe(k * (ep?.requests ?? 0));
      expect(ep?.requests).toBe(r.generator.flowsStarted);
      expect(r.generator.keptUp).toBe(true);
    } else {
      // The closed model abandons the polls in flight when the window closes.
      expect(server.hits.get('/poll')).toBeGreaterThanOrEqual(k * (ep?.requests ?? 0));
    }
  });

  it('fails the step after maxAttempts when the condition never holds, in bounded time', async () => {
    server = await startPollServer();
    const maxAttempts = 4;
    const intervalMs = 10;
    const scenario = pollScenario({ after: 1_000_000, intervalMs, maxAttempts });
    const began = performance.now();
    const r = await run({ target: server.url, scenario, model, durationMs, scrape: false }).finished;
    // The window plus one poll's pauses, with room for a slow machine.
    expect(performance.now() - began).toBeLessThan(durationMs + maxAttempts * intervalMs + 2000);
    const ep = r.endpoints.settled;
    const polls = ep?.requests ?? 0;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(ep?.errors).toBe(polls);
    expect(ep?.errorsByKind.checkFailed).toBe(polls);
    expect(ep?.failures).toEqual({
      reasons: [{ reason: 'condition not met after 4 attempts', count: polls }],
      other: 0,
    });
    expect(ep?.checks?.[POLL_CHECK]).toEqual({ passes: 0, fails: polls });
    expect(ep?.polls).toEqual({ attempts: maxAttempts * polls, max: maxAttempts });
    expect(ep?.latency.min).toBeGreaterThanOrEqual(floorMs(maxAttempts - 1, intervalMs));
  });

  it('ends the poll at once when an answer fails a check: a poll waits for a state, it does not retry', async () => {
    server = await startPollServer();
    const scenario = pollScenario({ after: 5, intervalMs: 10, maxAttempts: 10, failAt: 2 });
    const r = await run({ target: server.url, scenario, model, durationMs, scrape: false }).finished;
    const ep = r.endpoints.settled;
    const polls = ep?.requests ?? 0;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(ep?.errorsByKind.non2xx).toBe(polls);
    expect(ep?.failures?.reasons).toEqual([{ reason: 'status 500', count: polls }]);
    expect(ep?.polls).toEqual({ attempts: 2 * polls, max: 2 });
  });

  it('fails a poll whose until throws after that one answer, naming the error', async () => {
    server = await startPollServer();
    const scenario = pollScenario({
      after: 5,
      intervalMs: 10,
      maxAttempts: 10,
      until: () => {
        throw new Error('no state');
      },
    });
    const r = await run({ target: server.url, scenario, model, durationMs, scrape: false }).finished;
    const ep = r.endpoints.settled;
    const polls = ep?.requests ?? 0;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(ep?.failures?.reasons).toEqual([{ reason: 'until threw no state', count: polls }]);
    expect(ep?.polls).toEqual({ attempts: polls, max: 1 });
  });
});

describe('poll and the engines', () => {
  it('puts a closed-model scenario with a poll step on the paced engine (autocannon cannot ask again)', () => {
    expect(needsPacing(pollScenario({ after: 2, intervalMs: 10, maxAttempts: 3 }))).toBe(true);
  });

  it('stops at --requests counting each poll once, however many requests it sent', async () => {
    server = await startPollServer();
    const scenario = pollScenario({ after: 2, intervalMs: 5, maxAttempts: 5 });
    const r = await run({ target: server.url, scenario, model: closed(1), requests: 5, scrape: false })
      .finished;
    expect(r.totals.requests).toBe(5);
    expect(r.endpoints.settled?.polls).toEqual({ attempts: 10, max: 2 });
  });
});
