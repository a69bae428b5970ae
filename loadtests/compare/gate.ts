import { absoluteFigure, higherIsBetter } from './judge.js';
import type { CompareResult, FigureName, GateOutcome } from './types.js';

const fmt = (f: FigureName, v: number): string =>
  absoluteFigure(f) ? `${v.toFixed(2)} points` : `${(v * 100).toFixed(1)}%`;

/**
 * The CI gate: fails when any endpoint's (or the total's) chosen figure
 * regressed significantly by more than `threshold`: a fraction of the
 * before value (0.1 for 10%), or percentage points for errors. "Needs more
 * runs" never fails the gate; compare warns about it instead.
 */
export function evaluateGate(result: CompareResult, metric: FigureName, threshold: number): GateOutcome {
  const failures: string[] = [];
  for (const ep of [...result.endpoints, result.overall]) {
    const c = ep.figures.find((f) => f.figure === metric);
    if (!c || c.verdict !== 'regressed') continue;
    const size = absoluteFigure(metric)
      ? c.delta
      : c.relative === null
        ? Infinity
        : c.relative * (higherIsBetter(metric) ? -1 : 1);
    if (size > threshold) {
      failures.push(
        `${ep.name}: ${metric} regressed by ${fmt(metric, size)} (limit ${fmt(metric, threshold)})`,
      );
    }
  }
  return { metric, threshold, failed: failures.length > 0, failures };
}
