import { invalidOption } from '../../common/perflab-error.js';
import { E_OPTION } from '../error-codes.js';
import type { Stage } from '../types.js';
import { parseDuration } from './duration.js';

/** Parses `30s:100,60s:500,30s:0` (duration:target-rate pairs). */
export function parseStages(text: string): Stage[] {
  const stages = text.split(',').map((part) => {
    const [d, r, extra] = part.trim().split(':');
    const durationMs = d === undefined ? undefined : parseDuration(d);
    const target = r === undefined || r === '' ? NaN : Number(r);
    if (
      extra !== undefined ||
      durationMs === undefined ||
      durationMs <= 0 ||
      !Number.isFinite(target) ||
      target < 0
    ) {
      throw invalidOption(E_OPTION, 'stages', 'a list like "30s:100,60s:500,30s:0" (duration:rate)', text);
    }
    return { durationMs, target };
  });
  return stages;
}
