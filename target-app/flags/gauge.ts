import { Gauge, type Registry } from 'prom-client';
import { FLAG_ENABLED, LABEL_FLAG } from '../../probes/metric-names.js';
import { FLAG_NAMES } from './names.js';
import type { FlagReader } from './types.js';

/** `perflab_flag_enabled{flag}`: 1 or 0 per flag, read at scrape time, so dashboards can mark switches. */
export function registerFlagGauge(registry: Registry, flags: FlagReader): void {
  if (registry.getSingleMetric(FLAG_ENABLED)) registry.removeSingleMetric(FLAG_ENABLED);
  new Gauge({
    name: FLAG_ENABLED,
    help: 'Optimization-lab flags of this instance: 1 when the anti-pattern is switched on',
    labelNames: [LABEL_FLAG],
    registers: [registry],
    collect() {
      for (const flag of FLAG_NAMES) this.set({ [LABEL_FLAG]: flag }, flags.isOn(flag) ? 1 : 0);
    },
  });
}
