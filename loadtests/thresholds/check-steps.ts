import { PerflabError } from '../../common/perflab-error.js';
import { E_THRESHOLD_STEP } from '../error-codes.js';
import type { Scenario } from '../types.js';
import type { Threshold } from './parse-threshold.js';

/** Every step name of a scenario, in flow order, each once. */
export function stepNames(scenario: Pick<Scenario, 'flows'>): string[] {
  return [...new Set(scenario.flows.flatMap((f) => f.steps.map((s) => s.name)))];
}

/**
 * A threshold on a step the scenario does not have would run the whole test
 * and then fail exactly like a breached SLO; it is a typo, caught before load.
 */
export function checkThresholdSteps(thresholds: readonly Threshold[], scenario: Scenario): void {
  const names = stepNames(scenario);
  for (const t of thresholds) {
    if (t.endpoint === undefined || names.includes(t.endpoint)) continue;
    throw new PerflabError(
      E_THRESHOLD_STEP,
      `threshold "${t.expression}" names step "${t.endpoint}", which scenario "${scenario.name}" does not have; ` +
        `its steps: ${names.join(', ')}`,
    );
  }
}
