import { flowPicker } from '../scenario-runtime/step-runtime.js';
import { VirtualUser } from '../scenario-runtime/virtual-user.js';
import type { GeneratorHealth, Scenario } from '../types.js';
import type { EngineInput, EngineRun } from './engine-types.js';
import { splitTarget } from './engine-types.js';
import { createFlowRunner } from './flow-runner.js';
import { GrowingPool } from './growing-pool.js';

/**
 * Whether a closed-model run needs this engine rather than autocannon:
 * autocannon writes a connection's next request the moment the last one
 * answered, so it cannot pause a user (think time, a poll's interval), ask
 * again for the same step (a poll), nor keep a cookie jar.
 */
export function needsPacing(scenario: Scenario): boolean {
  return (
    scenario.thinkTime !== undefined ||
    scenario.cookies === true ||
    scenario.flows.some((f) => f.steps.some((s) => s.thinkTime !== undefined || s.poll !== undefined))
  );
}

/**
 * The closed model on the undici engine: `connections` virtual users, each
 * a loop of iterations that keeps its variables, cookies and `once` steps,
 * pausing for think time between steps and before its next iteration.
 */
export function startPacedClosedModel(input: EngineInput & { connections: number }): EngineRun {
  const { origin } = splitTarget(input.target);
  const pool = new GrowingPool(origin, input.connections, input.timeoutMs);
  const pick = flowPicker(input.scenario.flows);
  const abort = new AbortController();
  let stopped = false;
  const runner = createFlowRunner(input, pool, () => stopped, abort.signal);
  const endAt = input.startMs + input.totalMs;
  let resolveStopped!: () => void;
  const stoppedEarly = new Promise<void>((r) => (resolveStopped = r));

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    abort.abort();
    resolveStopped();
  };
  const endTimer = setTimeout(stop, Math.max(0, endAt - performance.now()));

  const loops = Array.from({ length: input.connections }, async (_, i) => {
    const user = new VirtualUser(i, input.scenario.cookies === true);
    while (!stopped && performance.now() < endAt) {
      await runner.iteration(pick(Math.random()), user, performance.now(), true);
    }
  });
  // On stop, requests still in flight are abandoned, as in the open model.
  const done = Promise.race([Promise.all(loops), stoppedEarly]).then(async (): Promise<GeneratorHealth> => {
    stop();
    clearTimeout(endTimer);
    await pool.close();
    return { keptUp: true, reasons: [], dropped: 0, maxInFlight: input.connections };
  });
  return { done, stop, inFlight: () => input.connections };
}
